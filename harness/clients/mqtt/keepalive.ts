import type { MqttClient, Packet } from 'mqtt';
import type { Clock } from '../../clock/clock.ts';
import type { ClientEvents } from '../adapter.ts';

/** mqtt.js' error for its keepalive rule: no PINGRESP by 1.5 x keepalive (mqtt 5.16 lib/KeepaliveManager.ts, lib/client.ts). */
export const KEEPALIVE_TIMEOUT = 'Keepalive timeout';

/** The reason traced when mqtt.js' keepalive rule declares the link dead. */
export const KEEPALIVE_DEAD = 'keepalive timeout: no PINGRESP within 1.5 x keepalive';

/** Whether an mqtt.js error is its keepalive rule firing: the link is dead, decided now. */
export function isKeepaliveTimeout(err: Error): boolean {
  return err.message === KEEPALIVE_TIMEOUT;
}

/**
 * Traces MQTT's keepalive as flatline's heartbeat: heartbeat.sent on every PINGREQ mqtt.js sends,
 * heartbeat.reply with the round trip on the PINGRESP that answers it.
 */
export function traceKeepalive(client: MqttClient, events: ClientEvents, clock: Clock): void {
  let pingSentAt: number | undefined;
  client.on('packetsend', (packet: Packet) => {
    if (packet.cmd !== 'pingreq') return;
    pingSentAt = clock.now();
    events.emit({ type: 'heartbeat.sent' });
  });
  client.on('packetreceive', (packet: Packet) => {
    if (packet.cmd !== 'pingresp' || pingSentAt === undefined) return;
    events.emit({ type: 'heartbeat.reply', rttMs: clock.now() - pingSentAt });
    pingSentAt = undefined;
  });
  client.on('close', () => (pingSentAt = undefined));
}
