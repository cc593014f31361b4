import type { MqttClient } from 'mqtt';
import type { Clock } from '../../clock/clock.ts';
import { encodeMqttPayload, mqttTopic } from '../../protocol/mqtt.ts';
import type { ClientEvents } from '../adapter.ts';
import { watchAck } from './ack-watch.ts';
import { SendWindow } from './send-window.ts';

export interface MqttPublisherOptions {
  name: string;
  client: MqttClient;
  events: ClientEvents;
  qos: 0 | 1 | 2;
  /**
   * Publish again what mqtt.js dropped unsent. A publish made while mqtt.js replays its session
   * store waits in a queue, and a close during the replay fails it with "Connection closed"
   * although it never reached the wire; with a session that message is still owed.
   */
  retryUnsent: boolean;
  /** QoS 1/2 messages handed to mqtt.js and not yet acked; the rest wait their turn. Infinity: no window. */
  maxInflight: number;
  /** Publish with the retain flag (the MQTTKit-style client of seed 002 does). */
  retain?: boolean;
  /**
   * A QoS 1/2 message unacked this long on an open connection means the link is dead (its acks are
   * being lost): `ackTimedOut` is told, so the owner can reconnect, the only time MQTT resends.
   */
  ackTimeout?: { ms: number; clock: Clock; ackTimedOut(id: string): void };
}

interface Message {
  id: string;
  body: unknown;
}

/**
 * Publishes application messages the flatline way: id `${name}-${n}`, topic `flatline/<name>`,
 * payload {id, body}; message.acked on PUBACK (QoS 1), PUBCOMP (QoS 2) or the write (QoS 0).
 * QoS 1/2 go through a send window: mosquitto refuses the 21st unacked QoS 2 message by default,
 * and an MQTT 3.1.1 client reads that refusal as a PUBREC, so the message is lost though it looks delivered.
 */
export class MqttPublisher {
  private sequence = 0;
  private readonly window: SendWindow<Message>;

  constructor(private readonly o: MqttPublisherOptions) {
    const size = o.qos === 0 ? Number.POSITIVE_INFINITY : o.maxInflight;
    this.window = new SendWindow(size, ({ id, body }) => this.publish(id, body));
  }

  send(body: unknown): string {
    const id = `${this.o.name}-${++this.sequence}`;
    this.o.events.emit({ type: 'message.sent', id });
    this.window.push({ id, body });
    return id;
  }

  private publish(id: string, body: unknown): void {
    const { client, events, qos, retryUnsent, name, ackTimeout } = this.o;
    const watch = qos > 0 && ackTimeout ? watchAck(ackTimeout.clock, ackTimeout.ms, () => ackTimeout.ackTimedOut(id)) : undefined;
    client.publish(mqttTopic(name), encodeMqttPayload(id, body), { qos, retain: this.o.retain ?? false }, (err) => {
      watch?.stop();
      // Deferred: mqtt.js is still walking the queue it fails, and must be done with it first.
      if (err && retryUnsent && qos > 0 && err.message === 'Connection closed') return queueMicrotask(() => this.publish(id, body));
      events.emit(err ? { type: 'message.failed', id, reason: err.message } : { type: 'message.acked', id });
      this.window.done();
    });
  }
}
