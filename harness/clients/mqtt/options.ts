import * as v from 'valibot';
import { backoffOptionsSchema, type BackoffOptions } from '../../policy/backoff.ts';
import { oneOf, optionError, positiveMs, rejectUnknownKeys } from '../../policy/options.ts';
import { guaranteeSchema } from '../../policy/outbox.ts';
import { count, positiveDuration, strict } from '../../schema/kit.ts';
import { parseMqttUrl } from '../../protocol/mqtt.ts';
import type { Guarantee } from '../../trace/events.ts';
import type { Duration } from '../../util/duration.ts';

/** MQTT's own delivery levels are the guarantees. */
export const QOS: Record<Guarantee, 0 | 1 | 2> = { 'at-most-once': 0, 'at-least-once': 1, 'exactly-once': 2 };
export const GUARANTEES = Object.keys(QOS) as Guarantee[];

/** Checks an MQTT URL for a client; `where` names the option in the message. */
export function checkMqttUrl(url: unknown, where: string): string {
  const parsed = parseMqttUrl(url);
  if ('problem' in parsed) throw optionError(where, 'url', `${JSON.stringify(url)} is not a usable MQTT URL: ${parsed.problem}; write it like "mqtt://127.0.0.1:1883"`);
  return String(url);
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
  // MQTT 3.1.1 section 3.1.2.10: Keep Alive is a 16-bit number of seconds
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
