import { EventEmitter } from 'node:events';
import type { MqttClient, Packet } from 'mqtt';

/** One publish the fake client was asked for; `finish` plays mqtt.js calling back (ack, or an error). */
export interface FakePublish {
  topic: string;
  payload: string;
  options: { qos: 0 | 1 | 2; retain: boolean };
  finish(err?: Error): void;
}

/**
 * The parts of an mqtt.js client the mqtt/ modules touch, without a socket: tests emit packets,
 * errors and closes on it as mqtt.js would, and see each publish.
 */
export class FakeMqttClient extends EventEmitter {
  readonly publishes: FakePublish[] = [];
  connected = false;
  outgoing: Record<number, unknown> = {};
  ended: boolean | undefined;

  publish(topic: string, payload: string, options: FakePublish['options'], callback: (err?: Error) => void): void {
    this.publishes.push({ topic, payload, options, finish: (err) => callback(err) });
  }

  end(force: boolean, callback: () => void): void {
    this.ended = force;
    callback();
  }

  receive(packet: Partial<Packet>): void {
    this.emit('packetreceive', packet);
  }

  send(packet: Partial<Packet>): void {
    this.emit('packetsend', packet);
  }

  get asMqtt(): MqttClient {
    return this as unknown as MqttClient;
  }
}
