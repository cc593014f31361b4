import mqtt, { type MqttClient } from 'mqtt';
import { Backoff } from '../policy/backoff.ts';
import type { ClientAdapter, ClientContext } from './adapter.ts';
import { TracedClient } from './traced-client.ts';
import { connectNoDelay, endByUser, endMqtt } from './mqtt/connection.ts';
import { traceKeepalive } from './mqtt/keepalive.ts';
import { MqttLinkObserver } from './mqtt/link-observer.ts';
import { mqttClientOptionsSchema, QOS, resolveMqttClientOptions, type MqttClientOptions, type ResolvedMqttClientOptions } from './mqtt/options.ts';
import { MqttPublisher } from './mqtt/publisher.ts';
import { sessionOptions } from './mqtt/session.ts';
import { Reconnector } from './reconnector.ts';

export { mqttClientOptionsSchema, resolveMqttClientOptions, type MqttClientOptions, type ResolvedMqttClientOptions };

/**
 * The reference MQTT client: mqtt.js with keepalive as the heartbeat and QoS as the guarantee,
 * but reconnects scheduled by flatline's Backoff (mqtt.js' own reconnectPeriod is a fixed 1 s, so it is
 * off). clean: false and a fixed client id keep the session across reconnects, so mqtt.js replays
 * unacked QoS 1/2 messages with their original ids and the broker dedupes QoS 2. mqtt.js' offline
 * queue and session store are the outbox: flatline's Outbox would resend on a timer, which MQTT
 * forbids (resend only on reconnect) and which would turn QoS 2 resends into duplicates.
 */
export class MqttReferenceClient extends TracedClient implements ClientAdapter {
  readonly options: ResolvedMqttClientOptions;
  private readonly backoff: Backoff;
  private readonly reconnector: Reconnector;
  private readonly client: MqttClient;
  private readonly link: MqttLinkObserver;
  private readonly publisher: MqttPublisher;
  /** Set once connect() was called and until the user disconnects or closes. */
  private active = false;
  /** mqtt.js has a socket to end (it has none before the first connect). */
  private attempted = false;
  private attempt = 0;

  constructor(
    ctx: ClientContext,
    options: MqttClientOptions,
  ) {
    super(ctx);
    this.options = resolveMqttClientOptions(options, `mqtt client "${ctx.name}"`);
    this.backoff = new Backoff(this.options.backoff, { clock: ctx.clock, rng: ctx.rng.fork('backoff') });
    // mqtt.js reports the loss from inside its close handler, so even an "at once" retry waits a turn
    this.reconnector = new Reconnector(ctx.clock, this.backoff, this.events, { deferAtOnce: true, waitingFirst: true });
    this.client = mqtt.connect(this.options.url, sessionOptions(ctx.name, this.options, ctx.clock));
    traceKeepalive(this.client, this.events, ctx.clock);
    this.link = new MqttLinkObserver(this.client, this.events, {
      opened: () => this.opened(),
      closed: () => this.lost(),
    });
    this.publisher = new MqttPublisher({
      name: ctx.name,
      client: this.client,
      events: this.events,
      qos: QOS[this.options.guarantee],
      retryUnsent: true,
      maxInflight: this.options.maxInflight,
      ackTimeout: { ms: this.options.ackTimeoutMs, clock: ctx.clock, ackTimedOut: (id) => this.ackTimedOut(id) },
    });
  }

  /** Acks stopped coming: the link is dead; a new connection makes mqtt.js resend what the session owes. */
  private ackTimedOut(id: string): void {
    if (!this.link.isOpen) return; // offline, the message waits for the next connection anyway
    this.link.declare(`ack timeout: no ack for ${id} within ${this.options.ackTimeoutMs / 1000}s`);
    this.client.stream?.destroy();
  }

  connect(): void {
    if (this.active) return;
    this.active = true;
    this.backoff.reset();
    this.begin(0);
  }

  /** Waits for a place in the send window, then in mqtt.js' queue while not open (QoS 0 too). */
  send(body: unknown): string {
    return this.publisher.send(body);
  }

  async disconnect(): Promise<void> {
    if (!this.active) return;
    this.events.emit({ type: 'disconnect.requested' });
    this.events.setState('closing');
    await this.stop(endByUser); // unacked messages stay in the session for the next connect
  }

  async close(): Promise<void> {
    await this.stop((client) => endMqtt(client, true));
  }

  private async stop(end: (client: MqttClient) => Promise<void>): Promise<void> {
    this.active = false;
    this.reconnector.cancel();
    this.link.closingByUser();
    if (this.attempted) await end(this.client);
    this.events.setState('closed');
  }

  private begin(attempt: number): void {
    this.attempt = attempt;
    this.attempted = true;
    this.events.setState('connecting');
    this.events.emit({ type: 'connect.attempt', attempt });
    this.link.attempting();
    connectNoDelay(this.client);
  }

  private opened(): void {
    this.backoff.connectionOpened();
    this.events.setState('open');
    this.events.emit({ type: 'connected', attempt: this.attempt });
  }

  private lost(): void {
    if (!this.active) return;
    if (!this.reconnector.schedule((attempt) => this.begin(attempt))) this.active = false;
  }
}
