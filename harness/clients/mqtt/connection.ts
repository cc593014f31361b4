import type net from 'node:net';
import type { MqttClient } from 'mqtt';

/**
 * Starts an mqtt.js connection with Nagle off. mqtt.js leaves it on, so a burst of small packets
 * waits in the kernel for the peer's delayed ACK (40-200 ms of real time): noise on a real network,
 * but a stall for the virtual clock, which waits for bytes in flight before it moves.
 */
export function connectNoDelay(client: MqttClient): void {
  client.connect();
  (client.stream as Partial<net.Socket>).setNoDelay?.(true);
}

/** Ends an mqtt.js client and resolves when its socket is gone. */
export function endMqtt(client: MqttClient, force: boolean): Promise<void> {
  return new Promise((resolve) => client.end(force, () => resolve()));
}

/**
 * The user's disconnect: DISCONNECT only when nothing is in flight, since mqtt.js would otherwise
 * wait for every ack first, forever on a dead link. Unacked messages stay in mqtt.js' store.
 */
export function endByUser(client: MqttClient): Promise<void> {
  const clean = client.connected && Object.keys(client.outgoing).length === 0;
  return endMqtt(client, !clean);
}
