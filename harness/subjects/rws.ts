import * as v from 'valibot';
import type { BackoffExpectation } from '../checks/backoff.ts';
import { count, strict } from '../schema/kit.ts';
import { registerBuiltInSubject } from '../scenario/subjects.ts';
import { WsServer } from '../servers/ws-server.ts';
import { RwsClient } from './rws-client.ts';
import { rwsDelay } from './rws-library.ts';

/** rws's minUptime default: a connection up this long resets the retry counter. */
const RWS_MIN_UPTIME_MS = 5_000;

/**
 * reconnecting-websocket 4.4.0's options that shape its reconnects, with its names and units (ms);
 * any not given keeps the library's default (its README, "Available options").
 */
export const rwsOptionsSchema = strict(
  {
    /** Default 1000 + Math.random() * 4000, drawn once per process. */
    minReconnectionDelay: v.optional(count('milliseconds')),
    /** Default 10000. */
    maxReconnectionDelay: v.optional(count('milliseconds')),
    /** Default 1.3. */
    reconnectionDelayGrowFactor: v.optional(count('growth per retry', { min: 1, integer: false })),
    /** Default 5000: a connection up this long resets the retry counter. */
    minUptime: v.optional(count('milliseconds')),
    /** Default 4000: a connect taking longer is abandoned and retried. */
    connectionTimeout: v.optional(count('milliseconds', { min: 1 })),
  },
  "reconnecting-websocket's options",
);
export type RwsOptions = v.InferInput<typeof rwsOptionsSchema>;

/**
 * The schedule rws gives with `options`, from its own formula: min x factor^(n-1) until it reaches
 * the cap (then the cap repeats). Exact: the one random draw happened when the module loaded.
 */
export function rwsBackoff(options: RwsOptions = {}): BackoffExpectation {
  const exact = [rwsDelay(1, options)];
  for (let n = 2; n <= 100 && exact.at(-1) !== rwsDelay(n, options); n++) exact.push(rwsDelay(n, options));
  return { exact, resetAfterMs: options.minUptime ?? RWS_MIN_UPTIME_MS };
}

registerBuiltInSubject<RwsOptions>({
  kind: 'rws',
  protocol: 'ws',
  description: 'ws wrapped by reconnecting-websocket 4.4.0, defaults untouched unless set: no heartbeat, retries x1.3 up to 10 s, sends queued while closed',
  options: rwsOptionsSchema,
  promises: (options) => ({ backoff: rwsBackoff(options), guarantee: 'at-most-once' }),
  createServer: (ctx, spec) => new WsServer(ctx, spec),
  createClient: (ctx, target, options) => new RwsClient(ctx, `ws://${target.host}:${target.port}`, options),
});

declare module '../scenario/subjects.ts' {
  interface SubjectKinds {
    rws: RwsOptions;
  }
}
