import * as v from 'valibot';
import { guaranteeSchema } from '../policy/outbox.ts';
import { count, positiveDuration, strict } from '../schema/kit.ts';
import type net from 'node:net';
import mqtt, { Store, type IClientOptions, type MqttClient, type Packet } from 'mqtt';
import type { Clock, TimerHandle } from '../clock/clock.ts';
import { Backoff, backoffOptionsSchema, type BackoffOptions } from '../policy/backoff.ts';
import { oneOf, optionError, positiveMs, rejectUnknownKeys } from '../policy/options.ts';
import type { ClientState, Guarantee } from '../trace/events.ts';
import { encodeMqttPayload, mqttTopic, parseMqttUrl } from '../protocol/mqtt.ts';
import type { Duration } from '../util/duration.ts';
import { ClientEvents, type ClientAdapter, type ClientContext } from './adapter.ts';

/** MQTT's own delivery levels are the guarantees. */
export const QOS: Record<Guarantee, 0 | 1 | 2> = { 'at-most-once': 0, 'at-least-once': 1, 'exactly-once': 2 };
export const GUARANTEES = Object.keys(QOS) as Guarantee[];

/** mqtt.js' message for its own keepalive rule (no PINGRESP by 1.5 x keepalive). */
const KEEPALIVE_TIMEOUT = 'Keepalive timeout';

/** Checks an MQTT URL for a client; `where` names the option in the message. */
export function checkMqttUrl(url: unknown, where: string): string {
  const parsed = parseMqttUrl(url);
  if ('problem' in parsed) throw optionError(where, 'url', `${JSON.stringify(url)} is not a usable MQTT URL: ${parsed.problem}; write it like "mqtt://127.0.0.1:1883"`);
  return String(url);
}

/**
 * What both MQTT adapters read off an mqtt.js client and write as ClientEvents: CONNACK, PINGREQ and
 * PINGRESP (packetsend/packetreceive), errors and closes. Whoever drives reconnects listens to the hooks.
 */
export class MqttLinkObserver {
  private open = false;
  private declaredDead = false;
  private lastError: string | undefined;
  private pingSentAt: number | undefined;
  private userClosing = false;

  constructor(
    client: MqttClient,
    private readonly events: ClientEvents,
    private readonly clock: Clock,
    private readonly hooks: { opened(): void; closed(): void },
  ) {
    client.on('packetsend', (packet) => this.sent(packet));
    client.on('packetreceive', (packet) => this.received(packet));
    client.on('error', (err) => this.failed(err));
    client.on('close', () => this.closed());
  }

  /** A connection attempt begins: what was said about the last one no longer applies. */
  attempting(): void {
    this.userClosing = false;
    this.lastError = undefined;
  }

  /** The user closes the connection: that close is neither a dead link nor a reason to reconnect. */
  closingByUser(): void {
    this.userClosing = true;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** The owner decided the link is dead (acks stopped coming); the close that follows says no more. */
  declare(reason: string): void {
    this.lastError = reason;
    this.declareDead();
  }

  private sent(packet: Packet): void {
    if (packet.cmd !== 'pingreq') return;
    this.pingSentAt = this.clock.now();
    this.events.emit({ type: 'heartbeat.sent' });
  }

  private received(packet: Packet): void {
    if (packet.cmd === 'pingresp' && this.pingSentAt !== undefined) {
      this.events.emit({ type: 'heartbeat.reply', rttMs: this.clock.now() - this.pingSentAt });
      this.pingSentAt = undefined;
    } else if (packet.cmd === 'connack' && (packet.reasonCode ?? packet.returnCode ?? 0) === 0) {
      this.open = true;
      this.declaredDead = false;
      this.hooks.opened();
    }
  }

  private failed(err: Error): void {
    this.lastError = err.message === KEEPALIVE_TIMEOUT ? 'keepalive timeout: no PINGRESP within 1.5 x keepalive' : err.message;
    // mqtt.js has already destroyed the socket; 'close' follows, but the decision was made now.
    if (err.message === KEEPALIVE_TIMEOUT) this.declareDead();
  }

  private closed(): void {
    if (!this.userClosing) this.declareDead();
    this.open = false;
    this.pingSentAt = undefined;
    if (!this.userClosing) this.hooks.closed();
  }

  private declareDead(): void {
    if (!this.open || this.declaredDead) return;
    this.declaredDead = true;
    this.events.emit({ type: 'link.dead', reason: this.lastError ?? 'connection closed by the peer' });
  }
}

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

/**
 * Publishes application messages the flatline way: id `${name}-${n}`, topic `flatline/<name>`,
 * payload {id, body}; message.acked on PUBACK (QoS 1), PUBCOMP (QoS 2) or the write (QoS 0).
 * mqtt.js has no send window of its own (it ignores the broker's Receive Maximum), so the
 * publisher keeps one: mosquitto refuses the 21st unacked QoS 2 message by default, and an MQTT
 * 3.1.1 client reads that refusal as a PUBREC, so the message is lost though it looks delivered.
 */
export class MqttPublisher {
  private sequence = 0;
  private inflight = 0;
  private readonly waiting: { id: string; body: unknown }[] = [];

  constructor(private readonly o: MqttPublisherOptions) {}

  send(body: unknown): string {
    const id = `${this.o.name}-${++this.sequence}`;
    this.o.events.emit({ type: 'message.sent', id });
    this.waiting.push({ id, body });
    this.pump();
    return id;
  }

  private pump(): void {
    const window = this.o.qos === 0 ? Number.POSITIVE_INFINITY : this.o.maxInflight;
    while (this.inflight < window && this.waiting.length > 0) {
      const { id, body } = this.waiting.shift()!;
      this.inflight++;
      this.publish(id, body);
    }
  }

  private publish(id: string, body: unknown): void {
    const { client, events, qos, retryUnsent, name } = this.o;
    const watch = qos > 0 ? this.watchAck(id) : undefined;
    client.publish(mqttTopic(name), encodeMqttPayload(id, body), { qos, retain: this.o.retain ?? false }, (err) => {
      watch?.stop();
      // Deferred: mqtt.js is still walking the queue it fails, and must be done with it first.
      if (err && retryUnsent && qos > 0 && err.message === 'Connection closed') return queueMicrotask(() => this.publish(id, body));
      events.emit(err ? { type: 'message.failed', id, reason: err.message } : { type: 'message.acked', id });
      this.inflight--;
      this.pump();
    });
  }

  /** Tells the owner when `id` has waited ackTimeout for its ack; again every ackTimeout until it comes. */
  private watchAck(id: string): { stop(): void } | undefined {
    const t = this.o.ackTimeout;
    if (!t) return undefined;
    let timer = t.clock.setTimeout(function fire() {
      t.ackTimedOut(id);
      timer = t.clock.setTimeout(fire, t.ms);
    }, t.ms);
    return { stop: () => t.clock.clearTimeout(timer) };
  }
}

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

export interface MqttClientOptions {
  /** The broker, or the proxy in front of it: "mqtt://127.0.0.1:40123". */
  url: string;
  /**
   * MQTT keepalive, the heartbeat: PINGREQ after this long without an ack from the broker, link
   * declared dead at 1.5 x (mqtt.js' rule). Whole seconds up to 65535. Default '3m' (under a 5-minute NAT).
   */
  keepalive?: Duration;
  /** Reconnect schedule (harness/policy/backoff.ts). Default: the policy's defaults. */
  backoff?: BackoffOptions;
  /** QoS 0, 1 or 2. Default 'at-least-once'. */
  guarantee?: Guarantee;
  /** How long to wait for CONNACK before the attempt counts as failed. Default '10s'. */
  connectTimeout?: Duration;
  /** Unacked QoS 1/2 messages at a time; later ones wait. Default 20 (mosquitto's max_inflight_messages). */
  maxInflight?: number;
  /**
   * A PUBACK/PUBCOMP missing this long on an open connection declares the link dead and reconnects:
   * MQTT resends unacked messages only on a new connection, so lost acks would otherwise hold the
   * send window shut for good. Default '10s'.
   */
  ackTimeout?: Duration;
}

/** The reference MQTT subject's options as a scenario writes them (the URL is the world's). */
export const mqttClientOptionsSchema = strict(
  {
    keepalive: v.optional(positiveDuration),
    backoff: v.optional(backoffOptionsSchema),
    guarantee: v.optional(guaranteeSchema),
    connectTimeout: v.optional(positiveDuration),
    maxInflight: v.optional(count('messages in flight', { min: 1, max: 65_535 })),
    ackTimeout: v.optional(positiveDuration),
  },
  'the MQTT client\'s options',
) satisfies v.GenericSchema<Omit<MqttClientOptions, 'url'>>;

export interface ResolvedMqttClientOptions {
  url: string;
  keepaliveS: number;
  backoff: BackoffOptions;
  guarantee: Guarantee;
  connectTimeoutMs: number;
  maxInflight: number;
  ackTimeoutMs: number;
}

const KEYS = ['url', 'keepalive', 'backoff', 'guarantee', 'connectTimeout', 'maxInflight', 'ackTimeout'] as const;

export function resolveMqttClientOptions(options: MqttClientOptions, where = 'mqtt client'): ResolvedMqttClientOptions {
  rejectUnknownKeys(options, KEYS, where);
  const keepaliveMs = positiveMs(options.keepalive ?? '3m', where, 'keepalive');
  if (keepaliveMs % 1000 !== 0 || keepaliveMs > 65_535_000) {
    throw optionError(where, 'keepalive', `must be whole seconds from 1s to 65535s, as MQTT sends it in seconds (got ${JSON.stringify(options.keepalive)})`);
  }
  const maxInflight = options.maxInflight ?? 20;
  if (!(Number.isInteger(maxInflight) && maxInflight >= 1 && maxInflight <= 65_535)) {
    throw optionError(where, 'maxInflight', `must be a whole number from 1 to 65535, the QoS 1/2 messages awaiting an ack at a time (got ${maxInflight})`);
  }
  return {
    url: checkMqttUrl(options.url, where),
    keepaliveS: keepaliveMs / 1000,
    backoff: options.backoff ?? {},
    guarantee: oneOf(options.guarantee ?? 'at-least-once', GUARANTEES, where, 'guarantee'),
    connectTimeoutMs: positiveMs(options.connectTimeout ?? '10s', where, 'connectTimeout'),
    maxInflight,
    ackTimeoutMs: positiveMs(options.ackTimeout ?? '10s', where, 'ackTimeout'),
  };
}

/**
 * The reference MQTT client: mqtt.js with keepalive as the heartbeat and QoS as the guarantee,
 * but reconnects scheduled by flatline's Backoff (mqtt.js' own reconnectPeriod is a fixed 1 s, so it is
 * off). clean: false and a fixed client id keep the session across reconnects, so mqtt.js replays
 * unacked QoS 1/2 messages with their original ids and the broker dedupes QoS 2. mqtt.js' offline
 * queue and session store are the outbox: flatline's Outbox would resend on a timer, which MQTT
 * forbids (resend only on reconnect) and which would turn QoS 2 resends into duplicates.
 */
export class MqttReferenceClient implements ClientAdapter {
  readonly options: ResolvedMqttClientOptions;
  private readonly events: ClientEvents;
  private readonly backoff: Backoff;
  private readonly client: MqttClient;
  private readonly link: MqttLinkObserver;
  private readonly publisher: MqttPublisher;
  /** Set once connect() was called and until the user disconnects or closes. */
  private active = false;
  /** mqtt.js has a socket to end (it has none before the first connect). */
  private attempted = false;
  private attempt = 0;
  private retryTimer: TimerHandle | undefined;

  constructor(
    private readonly ctx: ClientContext,
    options: MqttClientOptions,
  ) {
    this.options = resolveMqttClientOptions(options, `mqtt client "${ctx.name}"`);
    this.events = new ClientEvents(ctx);
    this.backoff = new Backoff(this.options.backoff, { clock: ctx.clock, rng: ctx.rng.fork('backoff') });
    this.client = mqtt.connect(this.options.url, this.mqttOptions());
    this.link = new MqttLinkObserver(this.client, this.events, ctx.clock, {
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

  get name(): string {
    return this.ctx.name;
  }

  get state(): ClientState {
    return this.events.state;
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
    this.ctx.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.link.closingByUser();
    if (this.attempted) await end(this.client);
    this.events.setState('closed');
  }

  private mqttOptions(): IClientOptions {
    const clock = this.ctx.clock;
    return {
      clientId: `flatline-${this.ctx.name}`,
      clean: false,
      keepalive: this.options.keepaliveS,
      connectTimeout: this.options.connectTimeoutMs,
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

  private begin(attempt: number): void {
    this.retryTimer = undefined;
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
    this.backoff.connectionLost();
    const retry = this.backoff.next();
    if (!retry) {
      this.active = false;
      this.events.emit({ type: 'reconnect.gave_up', attempts: this.backoff.attempts });
      this.events.setState('closed');
      return;
    }
    this.events.setState('waiting');
    this.events.emit({ type: 'reconnect.scheduled', attempt: retry.attempt, delayMs: retry.delayMs });
    this.retryTimer = this.ctx.clock.setTimeout(() => this.begin(retry.attempt), retry.delayMs);
  }
}
