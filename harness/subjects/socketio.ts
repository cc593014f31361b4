import { Manager } from 'socket.io-client';
import * as v from 'valibot';
import type { BackoffExpectation, DelayBounds } from '../checks/backoff.ts';
import { count, strict } from '../schema/kit.ts';
import { registerBuiltInSubject } from '../scenario/subjects.ts';
import { SocketIoServer } from '../servers/socketio-server.ts';
import { backoffOf, SocketIoClient } from './socketio-client.ts';

/** engine.io's server defaults: a ping every 25 s, and the client gives up 25 s + 20 s after the last one. */
const SOCKETIO_PING_INTERVAL_MS = 25_000;
const SOCKETIO_PING_TIMEOUT_MS = 20_000;

/**
 * socket.io-client v4's Manager options that shape its reconnects, with its names and units (ms);
 * any not given keeps the library's default (its docs, "Manager options").
 */
export const socketIoOptionsSchema = strict(
  {
    /** Default 1000: the first retry's delay before jitter. */
    reconnectionDelay: v.optional(count('milliseconds')),
    /** Default 5000: the cap. */
    reconnectionDelayMax: v.optional(count('milliseconds')),
    /** Default 0.5: each delay varies by ± this fraction. */
    randomizationFactor: v.optional(count('fraction', { min: 0, max: 1, integer: false })),
    /** Default 20000: a connect taking longer fails. */
    timeout: v.optional(count('milliseconds', { min: 1 })),
  },
  "socket.io-client's options",
);
export type SocketIoOptions = v.InferInput<typeof socketIoOptionsSchema>;

/**
 * The retry delays socket.io-client allows with `options` (its defaults for the rest), read from an idle Manager's backoff:
 * retry n waits min x factor^(n-1), ± jitter of that, then capped (500..1500, 1000..3000,
 * 2000..5000, 4000..5000, then 5000). The backoff resets when a reconnect succeeds.
 */
export function socketIoBackoff(options: SocketIoOptions = {}): BackoffExpectation {
  const { ms, factor, jitter, max } = backoffOf(new Manager({ ...options, autoConnect: false }));
  const bounds: DelayBounds[] = [];
  for (let n = 1; n <= 100 && bounds.at(-1)?.min !== max; n++) {
    const base = ms * factor ** (n - 1);
    bounds.push({ min: Math.min(max, Math.ceil(base - jitter * base)), max: Math.min(max, Math.floor(base + jitter * base)) });
  }
  return { bounds, resetAfterMs: 0 };
}

registerBuiltInSubject<SocketIoOptions>({
  kind: 'socketio',
  protocol: 'ws',
  description: 'socket.io-client v4 against a socket.io server, defaults untouched unless set: server ping 25 s, ping timeout 20 s, retries 1 s x2 ±50% up to 5 s',
  options: socketIoOptionsSchema,
  promises: (options) => ({
    detectionBoundMs: SOCKETIO_PING_INTERVAL_MS + SOCKETIO_PING_TIMEOUT_MS,
    backoff: socketIoBackoff(options),
    guarantee: 'at-most-once',
  }),
  createServer: (ctx, spec) => new SocketIoServer(ctx, spec),
  createClient: (ctx, target, options) => new SocketIoClient(ctx, `http://${target.host}:${target.port}`, options),
});

declare module '../scenario/subjects.ts' {
  interface SubjectKinds {
    socketio: SocketIoOptions;
  }
}
