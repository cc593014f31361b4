import type net from 'node:net';
import mqtt, { Store, type MqttClient } from 'mqtt';
import { decodeMqttPayloadId, MQTT_TOPIC_ROOT } from '../protocol/mqtt.ts';
import type { ServerContext } from './server.ts';

/**
 * Records message.delivered {id, client} for every application message a broker hands to its
 * subscribers, the same way for aedes and for an external broker: it is itself a subscriber,
 * connected straight to the broker (never through a proxy, so faults do not touch it), QoS 2 on
 * `flatline/#` with a persistent session, so it misses nothing a restarted broker kept and QoS 2
 * reaches it once. It never reconnects by itself: its server calls connect() when the broker is up.
 */
export class DeliveryRecorder {
  private client: MqttClient | undefined;
  private readonly source: string;
  /** Kept across reconnects: the QoS 2 handshakes in flight are what makes exactly-once hold. */
  private readonly stores = { incomingStore: new Store({ clean: false }), outgoingStore: new Store({ clean: false }) };
  readonly clientId: string;

  constructor(private readonly ctx: ServerContext) {
    this.source = `server:${ctx.name}`;
    this.clientId = `flatline-recorder-${ctx.name}-${process.pid}`;
  }

  /** Connects (again, after a broker restart) and resolves once subscribed. */
  async connect(url: string): Promise<void> {
    const client = (this.client ??= this.create(url));
    if (!client.connected) {
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error) => {
          client.off('connect', ok).off('error', done);
          if (err) reject(err);
          else resolve();
        };
        const ok = () => done();
        client.once('connect', ok).once('error', done);
        client.connect();
        (client.stream as Partial<net.Socket>).setNoDelay?.(true); // see connectNoDelay in clients/mqtt-client.ts
      });
    }
    // Also after a restart that lost the session (mosquitto without persistence); harmless otherwise.
    await client.subscribeAsync(`${MQTT_TOPIC_ROOT}/#`, { qos: 2 });
  }

  /** Resolves once a broker stop has reached the recorder: connect() after that dials again. */
  async disconnected(): Promise<void> {
    const client = this.client;
    if (client?.connected) await new Promise<void>((resolve) => client.once('close', () => resolve()));
  }

  /** Drops its subscription (an external broker would otherwise queue for it forever) and disconnects. */
  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    if (client.connected) await client.unsubscribeAsync(`${MQTT_TOPIC_ROOT}/#`).catch(() => {});
    await client.endAsync(!client.connected);
  }

  private create(url: string): MqttClient {
    const client = mqtt.connect(url, {
      ...this.stores,
      clientId: this.clientId,
      clean: false,
      keepalive: 0, // a direct loopback link: nothing to detect, and no timer to wake the clock
      reconnectPeriod: 0,
      manualConnect: true,
    });
    client.on('error', () => {}); // a refused or dropped connection shows in connect(); never crash the run
    client.on('message', (topic, payload) => {
      const client = topic.slice(MQTT_TOPIC_ROOT.length + 1);
      this.ctx.trace(this.source, 'message.delivered', { id: decodeMqttPayloadId(payload), client });
    });
    return client;
  }
}
