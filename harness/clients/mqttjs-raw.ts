import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { oneOf, rejectUnknownKeys } from '../policy/options.ts';
import { withSeededMathRandom } from '../util/rng.ts';
import type { ClientState, Guarantee } from '../trace/events.ts';
import { ClientEvents, type ClientAdapter, type ClientContext } from './adapter.ts';
import { checkMqttUrl, endByUser, endMqtt, GUARANTEES, MqttLinkObserver, MqttPublisher, QOS } from './mqtt-client.ts';

/**
 * How an application configured mqtt.js, for subjects that are mqtt.js set up some other way
 * (the MQTTKit-style client of seed 002). Empty: mqtt.js as it comes.
 */
export interface MqttjsProfile {
  connect?: IClientOptions;
  /** Publish with the retain flag. */
  retain?: boolean;
  /** Subscribe to this topic (QoS 2) on every connect. */
  subscribe?: string;
}

export interface MqttjsRawOptions {
  /** The broker, or the proxy in front of it. */
  url: string;
  /** Only picks the QoS of published messages. Default 'at-least-once'. */
  guarantee?: Guarantee;
}

/**
 * The off-the-shelf subject: mqtt.js exactly as an application gets it, every default untouched
 * (keepalive 60 s, reconnectPeriod 1000 ms, clean: true, connectTimeout 30 s, a random client id).
 * The adapter only watches: attempts come from its 'reconnect' events, and after each close it
 * announces the retry mqtt.js has armed, reconnectPeriod later.
 */
export class MqttjsRawClient implements ClientAdapter {
  private readonly events: ClientEvents;
  private readonly qos: 0 | 1 | 2;
  private readonly url: string;
  private readonly client: MqttClient;
  private readonly link: MqttLinkObserver;
  private readonly publisher: MqttPublisher;
  private attempt = 0;
  /** mqtt.js has a socket to end (it has none before the first connect). */
  private attempted = false;
  private active = false;

  constructor(
    private readonly ctx: ClientContext,
    options: MqttjsRawOptions,
    private readonly profile: MqttjsProfile = {},
  ) {
    const where = `mqtt.js client "${ctx.name}"`;
    rejectUnknownKeys(options, ['url', 'guarantee'], where);
    this.url = checkMqttUrl(options.url, where);
    this.qos = QOS[oneOf(options.guarantee ?? 'at-least-once', GUARANTEES, where, 'guarantee')];
    this.events = new ClientEvents(ctx);
    // manualConnect only defers the first connect to connect(); it changes nothing mqtt.js does after.
    // Its default client id is Math.random's: drawn from the subject's seeded stream, so runs repeat.
    this.client = withSeededMathRandom(ctx.rng.fork('mqttjs'), () => mqtt.connect(this.url, { manualConnect: true, ...profile.connect }));
    this.link = new MqttLinkObserver(this.client, this.events, ctx.clock, {
      opened: () => this.opened(),
      closed: () => this.lost(),
    });
    this.client.on('reconnect', () => this.reconnecting());
    this.publisher = new MqttPublisher({ name: ctx.name, client: this.client, events: this.events, qos: this.qos, retain: profile.retain, retryUnsent: false, maxInflight: Number.POSITIVE_INFINITY });
  }

  get name(): string {
    return this.ctx.name;
  }

  get state(): ClientState {
    return this.events.state;
  }

  connect(): void {
    if (this.active) return;
    this.active = true;
    this.attempt = 0;
    this.events.setState('connecting');
    this.events.emit({ type: 'connect.attempt', attempt: 0 });
    this.link.attempting();
    this.attempted = true;
    this.client.connect();
  }

  /** Queued by mqtt.js while not connected, as it does for any application. */
  send(body: unknown): string {
    return this.publisher.send(body);
  }

  async disconnect(): Promise<void> {
    if (!this.active) return;
    this.events.emit({ type: 'disconnect.requested' });
    this.events.setState('closing');
    await this.stop(endByUser);
  }

  async close(): Promise<void> {
    await this.stop((client) => endMqtt(client, true));
  }

  private async stop(end: (client: MqttClient) => Promise<void>): Promise<void> {
    this.active = false;
    this.link.closingByUser();
    if (this.attempted) await end(this.client);
    this.events.setState('closed');
  }

  private opened(): void {
    this.events.setState('open');
    this.events.emit({ type: 'connected', attempt: this.attempt });
    this.attempt = 0;
    if (this.profile.subscribe) this.client.subscribe(this.profile.subscribe, { qos: 2 });
  }

  /** mqtt.js arms its retry on every close it did not cause by end(); with reconnectPeriod 0 it is down for good. */
  private lost(): void {
    const period = this.client.options.reconnectPeriod ?? 0;
    if (!this.active) return;
    if (period === 0) return this.events.setState('closed');
    this.events.setState('waiting');
    this.events.emit({ type: 'reconnect.scheduled', attempt: this.attempt + 1, delayMs: period });
  }

  private reconnecting(): void {
    this.attempt++;
    this.events.setState('connecting');
    this.events.emit({ type: 'connect.attempt', attempt: this.attempt });
    this.link.attempting();
  }
}
