import type * as v from 'valibot';
import type { BackoffExpectation } from '../checks/backoff.ts';
import type { ClientAdapter, ClientContext } from '../clients/adapter.ts';
import { referenceClientOptionsSchema, type ReferenceClientOptions } from '../clients/reference-client.ts';
import { createTcpClient } from '../clients/tcp-client.ts';
import { createWsClient } from '../clients/ws-client.ts';
import type { HostPort } from '../net/address.ts';
import { backoffBounds, expectedDelay, resolveBackoffOptions, type BackoffOptions } from '../policy/backoff.ts';
import { resolveHeartbeatOptions } from '../policy/heartbeat.ts';
import { resolveOutboxOptions } from '../policy/outbox.ts';
import type { ReferenceServer, ServerContext } from '../servers/server.ts';
import { TcpServer } from '../servers/tcp-server.ts';
import { WsServer } from '../servers/ws-server.ts';
import { MqttReferenceClient, mqttClientOptionsSchema, resolveMqttClientOptions, type MqttClientOptions } from '../clients/mqtt-client.ts';
import { mqttjsOptionsSchema, MqttjsRawClient, mqttjsPromises, type MqttjsOptions } from '../clients/mqttjs-raw.ts';
import { MqttBroker } from '../servers/mqtt-broker.ts';
import { brokerFromUrl } from '../servers/mosquitto.ts';
import { didYouMean } from '../util/closest.ts';
import { FlatlineError } from '../util/errors.ts';
import type { Guarantee } from '../trace/events.ts';
import type { ServerSpec } from './scenario.ts';

const REGISTRY = Symbol.for('flatline.subjects');

/** What a subject promises, read from its options: the defaults its checks are held to. */
export interface SubjectPromises {
  /** Longest time to notice a dead link (heartbeat interval + reply timeout), if it can at all. */
  detectionBoundMs?: number;
  backoff?: BackoffExpectation;
  guarantee?: Guarantee;
}

/**
 * Every subject kind and the options it takes, for the editor: `subject: { kind: 'mqttjs', options: {...} }`
 * is typed from here. A subject registered elsewhere adds itself the same way:
 *
 *   declare module 'flatline/adapter' { interface SubjectKinds { 'my-client': MyOptions } }
 */
export interface SubjectKinds {
  tcp: ReferenceClientOptions;
  ws: ReferenceClientOptions;
  mqtt: Omit<MqttClientOptions, 'url'>;
  mqttjs: MqttjsOptions;
}

/** The options type of a subject that takes none. */
export type NoOptions = Record<string, never>;

/** Which client to drive: a registered subject kind and its options. */
export type SubjectSpec = { [K in keyof SubjectKinds]: { kind: K; options?: SubjectKinds[K] } }[keyof SubjectKinds];

/** A kind of client flatline can drive, with the server it talks to. */
export interface SubjectDefinition<O = Record<string, unknown>> {
  kind: string;
  protocol: 'tcp' | 'ws' | 'mqtt' | 'xmpp';
  description: string;
  /**
   * What `subject.options` may hold, checked before the run (with the closest name for a typo).
   * Without one the subject takes no options.
   */
  options?: v.GenericSchema<O>;
  promises(options: O): SubjectPromises;
  /** `brokerUrl`: an external MQTT broker to use instead of an in-process one (MQTT subjects only). */
  createServer(ctx: ServerContext, spec: ServerSpec & { dedupe: boolean; brokerUrl?: string }): ReferenceServer | Promise<ReferenceServer>;
  createClient(ctx: ClientContext, target: HostPort, options: O): ClientAdapter;
}

/**
 * One registry per process, even when flatline's modules are loaded twice (a scenario file loaded
 * through tsx gets its own copies of the modules it imports): a subject a user's file registers
 * is the one the runner finds.
 */
const registry: Map<string, SubjectDefinition<any>> = ((globalThis as { [REGISTRY]?: Map<string, SubjectDefinition<any>> })[REGISTRY] ??= new Map());

/** Adds a subject kind (a later registration of the same kind replaces the earlier one). */
export function registerSubject<O>(definition: SubjectDefinition<O>): void {
  registry.set(definition.kind, definition);
}

/**
 * Adds one of flatline's own subjects unless its kind is already registered. A scenario file that
 * imports flatline's modules gets copies of them (tsx's namespace), and those copies register the
 * built-ins again: the runner must keep its own, whose adapters share its clock, sim and host
 * context. With the copy's, xmpp.js's SCRAM proof went unwatched (the copy's VirtualClock is
 * another class), virtual time ran on during it and every login lost to the next send.
 */
export function registerBuiltInSubject<O>(definition: SubjectDefinition<O>): void {
  if (!registry.has(definition.kind)) registry.set(definition.kind, definition);
}

export function findSubject(kind: string): SubjectDefinition<any> {
  const subject = registry.get(kind);
  if (!subject) {
    throw new FlatlineError('FLATLINE_ERR_SCENARIO', `unknown subject "${kind}"${didYouMean(kind, registry.keys())}; known subjects: ${[...registry.keys()].join(', ')}`);
  }
  return subject;
}

export function subjectKinds(): string[] {
  return [...registry.keys()];
}

/** The schedule a flatline Backoff policy promises, as a check expectation. */
export function backoffExpectation(options: BackoffOptions | undefined): BackoffExpectation {
  const o = resolveBackoffOptions(options ?? {});
  const attempts = Number.isFinite(o.maxAttempts) ? o.maxAttempts : 12;
  const expectation: BackoffExpectation = { resetAfterMs: o.resetAfterMs };
  if (Number.isFinite(o.maxAttempts)) expectation.giveUpAfter = o.maxAttempts;
  const numbers = Array.from({ length: attempts }, (_, i) => i + 1);
  if (o.jitter === 'none') expectation.exact = numbers.map((n) => expectedDelay(o, n));
  else expectation.bounds = numbers.map((n) => backoffBounds(o, n));
  return expectation;
}

/** Promises of the reference clients, which use flatline's own policies. */
function referencePromises(options: ReferenceClientOptions): SubjectPromises {
  const hb = resolveHeartbeatOptions(options.heartbeat ?? {});
  return {
    detectionBoundMs: hb.intervalMs + hb.timeoutMs,
    backoff: backoffExpectation(options.backoff),
    guarantee: resolveOutboxOptions(options.outbox ?? {}).guarantee,
  };
}

/** The reference clients differ only in protocol: the server they talk to and the client factory. */
function registerReference(
  kind: 'tcp' | 'ws',
  description: string,
  createServer: SubjectDefinition['createServer'],
  createClient: (ctx: ClientContext, target: HostPort, options: ReferenceClientOptions) => ClientAdapter,
): void {
  registerBuiltInSubject<ReferenceClientOptions>({ kind, protocol: kind, description, options: referenceClientOptionsSchema, promises: referencePromises, createServer, createClient });
}

registerReference(
  'tcp',
  'reference TCP client: length-prefixed frames, 1-byte heartbeat, backoff, outbox',
  (ctx, spec) => new TcpServer(ctx, spec),
  (ctx, target, options) => createTcpClient(ctx, `${target.host}:${target.port}`, options),
);

registerReference(
  'ws',
  'reference WebSocket client on ws: ping/pong heartbeat, app acks, backoff, outbox',
  (ctx, spec) => new WsServer(ctx, spec),
  (ctx, target, options) => createWsClient(ctx, `ws://${target.host}:${target.port}`, options),
);

/** The in-process aedes broker, or the external broker `flatline run --mqtt-url` names (mosquitto, say). */
const mqttBroker: SubjectDefinition['createServer'] = (ctx, spec) => (spec.brokerUrl ? brokerFromUrl(ctx, spec.brokerUrl) : new MqttBroker(ctx));

registerBuiltInSubject<Omit<MqttClientOptions, 'url'>>({
  kind: 'mqtt',
  protocol: 'mqtt',
  description: 'reference MQTT client: mqtt.js with keepalive as the heartbeat (default 3m), QoS 0/1/2, flatline backoff',
  options: mqttClientOptionsSchema,
  promises: (options) => {
    const o = resolveMqttClientOptions({ ...options, url: 'mqtt://placeholder' });
    // mqtt.js declares the link dead 1.5 x keepalive after the last ack it saw
    return { detectionBoundMs: 1.5 * o.keepaliveS * 1000, backoff: backoffExpectation(o.backoff), guarantee: o.guarantee };
  },
  createServer: mqttBroker,
  createClient: (ctx, target, options) => new MqttReferenceClient(ctx, { ...options, url: `mqtt://${target.host}:${target.port}` }),
});

registerBuiltInSubject<MqttjsOptions>({
  kind: 'mqttjs',
  protocol: 'mqtt',
  description: 'off-the-shelf mqtt.js, defaults untouched unless set: keepalive 60s (dead at 90s), reconnect every 1s, clean sessions',
  options: mqttjsOptionsSchema,
  promises: mqttjsPromises,
  createServer: mqttBroker,
  createClient: (ctx, target, options) => new MqttjsRawClient(ctx, { ...options, url: `mqtt://${target.host}:${target.port}` }),
});
