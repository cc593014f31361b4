import type { IClientOptions } from 'mqtt';
import { Store } from 'mqtt';
import type { Clock } from '../../clock/clock.ts';
import type { ResolvedMqttClientOptions } from './options.ts';

/**
 * The reference client's mqtt.js options: a persistent session (a fixed client id, clean: false,
 * stores kept across reconnects and disconnects, so unacked QoS 1/2 messages are replayed with
 * their ids and the broker dedupes QoS 2), no reconnects of mqtt.js' own (flatline's Backoff
 * schedules them), and the keepalive on the world's clock.
 */
export function sessionOptions(name: string, options: ResolvedMqttClientOptions, clock: Clock): IClientOptions {
  return {
    clientId: `flatline-${name}`,
    clean: false,
    keepalive: options.keepaliveS,
    connectTimeout: options.connectTimeoutMs,
    reconnectPeriod: 0,
    manualConnect: true,
    // Kept across reconnects and disconnects: the unacked QoS 1/2 messages the session still owes.
    incomingStore: new Store({ clean: false }),
    outgoingStore: new Store({ clean: false }),
    // The keepalive runs on the world's clock, never on worker timers.
    timerVariant: {
      set: (fn: () => void, ms: number) => clock.setInterval(fn, ms) as number,
      clear: (handle: number) => clock.clearInterval(handle),
    },
  };
}
