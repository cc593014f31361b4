import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import * as v from 'valibot';
import type { BackoffExpectation } from '../checks/backoff.ts';
import { guaranteeSchema } from '../policy/outbox.ts';
import { oneOf, rejectUnknownKeys } from '../policy/options.ts';
import { count, flag, strict, text } from '../schema/kit.ts';
import { withSeededMathRandom } from '../util/rng.ts';
import { decodeMqttPayloadId } from '../protocol/mqtt.ts';
import type { Guarantee } from '../trace/events.ts';
import type { ClientAdapter, ClientContext } from './adapter.ts';
import { TracedClient } from './traced-client.ts';
import { endByUser, endMqtt } from './mqtt/connection.ts';
import { traceKeepalive } from './mqtt/keepalive.ts';
import { MqttLinkObserver } from './mqtt/link-observer.ts';
import { checkMqttUrl, GUARANTEES, QOS } from './mqtt/options.ts';
import { MqttPublisher } from './mqtt/publisher.ts';

/**
 * How an application configured mqtt.js, for subjects that are mqtt.js set up some other way
 * (the MQTTKit-style client of seed 002). Empty: mqtt.js as it comes.
 */
export interface MqttjsProfile {
  connect?: IClientOptions;
  /** Publish with the retain flag. */
  retain?: boolean;
  /** Subscribe to this topic (QoS 2) on every connect; each message it brings is traced as message.received. */
  subscribe?: string;
}

/**
 * mqtt.js's own connect options that decide how it lives through a bad network, with mqtt.js's
 * names, units and defaults (mqtt.js 5, build/lib/client.js defaultConnectOptions): what users
 * of mqtt.js set and need judged. Anything not set stays mqtt.js's default.
 */
export const mqttjsOptionsSchema = strict(
  {
    /** QoS of the published messages: at-most-once 0, at-least-once 1 (default), exactly-once 2. */
    guarantee: v.optional(guaranteeSchema),
    /** Seconds; default 60; 0 turns keepalive off. mqtt.js declares the link dead 1.5 x keepalive after the last packet. */
    keepalive: v.optional(count('seconds', { max: 65_535 })),
    /** Milliseconds between reconnects; default 1000; 0 never reconnects. */
    reconnectPeriod: v.optional(count('milliseconds')),
    /** Milliseconds to wait for CONNACK; default 30000. */
    connectTimeout: v.optional(count('milliseconds', { min: 1 })),
    /** Default true; false keeps the session (subscriptions, QoS 1/2 state) across reconnects. */
    clean: v.optional(flag('clean')),
    /** Default: a random "mqttjs_" id, drawn from the run's seeded stream. */
    clientId: v.optional(text('the client id')),
  },
  'the mqtt.js options',
);
export type MqttjsOptions = v.InferInput<typeof mqttjsOptionsSchema>;

export interface MqttjsRawOptions extends MqttjsOptions {
  /** The broker, or the proxy in front of it. */
  url: string;
}

/** mqtt.js's defaults for the options above (mqtt.js 5, build/lib/client.js defaultConnectOptions). */
const MQTTJS_KEEPALIVE_S = 60;
const MQTTJS_RECONNECT_PERIOD_MS = 1000;

/** What mqtt.js set up with `options` promises: dead at 1.5 x keepalive (KeepaliveManager.js), a retry every reconnectPeriod. */
export function mqttjsPromises(options: MqttjsOptions): { detectionBoundMs?: number; backoff?: BackoffExpectation; guarantee: Guarantee } {
  const keepalive = options.keepalive ?? MQTTJS_KEEPALIVE_S;
  const period = options.reconnectPeriod ?? MQTTJS_RECONNECT_PERIOD_MS;
  return {
    ...(keepalive > 0 && { detectionBoundMs: Math.ceil(keepalive * 1000 * 1.5) }),
    ...(period > 0 && { backoff: { exact: [period] } }),
    guarantee: options.guarantee ?? 'at-least-once',
  };
}

/**
 * The off-the-shelf subject: mqtt.js exactly as an application gets it, every default untouched
 * (keepalive 60 s, reconnectPeriod 1000 ms, clean: true, connectTimeout 30 s, a random client id).
 * The adapter only watches: attempts come from its 'reconnect' events, and after each close it
 * announces the retry mqtt.js has armed, reconnectPeriod later.
 */
export class MqttjsRawClient extends TracedClient implements ClientAdapter {
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
    ctx: ClientContext,
    options: MqttjsRawOptions,
    private readonly profile: MqttjsProfile = {},
  ) {
    super(ctx);
    const where = `mqtt.js client "${ctx.name}"`;
    const { url, guarantee, ...connect } = options;
    rejectUnknownKeys(connect, Object.keys(mqttjsOptionsSchema.entries), where);
    this.url = checkMqttUrl(url, where);
    this.qos = QOS[oneOf(guarantee ?? 'at-least-once', GUARANTEES, where, 'guarantee')];
    // manualConnect only defers the first connect to connect(); it changes nothing mqtt.js does after.
    // Its default client id is Math.random's: drawn from the subject's seeded stream, so runs repeat.
    this.client = withSeededMathRandom(ctx.rng.fork('mqttjs'), () => mqtt.connect(this.url, { manualConnect: true, ...connect, ...profile.connect }));
    traceKeepalive(this.client, this.events, ctx.clock);
    this.link = new MqttLinkObserver(this.client, this.events, {
      opened: () => this.opened(),
      closed: () => this.lost(),
    });
    this.client.on('reconnect', () => this.reconnecting());
    if (profile.subscribe) this.client.on('message', (_topic, payload) => this.events.emit({ type: 'message.received', id: decodeMqttPayloadId(payload) }));
    this.publisher = new MqttPublisher({ name: ctx.name, client: this.client, events: this.events, qos: this.qos, retain: profile.retain, retryUnsent: false, maxInflight: Number.POSITIVE_INFINITY });
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
