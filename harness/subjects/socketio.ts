import { Manager } from 'socket.io-client';
import type { BackoffExpectation, DelayBounds } from '../checks/backoff.ts';
import { registerSubject, type NoOptions } from '../scenario/subjects.ts';
import { SocketIoServer } from '../servers/socketio-server.ts';
import { backoffOf, SocketIoClient } from './socketio-client.ts';

/** engine.io's server defaults: a ping every 25 s, and the client gives up 25 s + 20 s after the last one. */
const SOCKETIO_PING_INTERVAL_MS = 25_000;
const SOCKETIO_PING_TIMEOUT_MS = 20_000;

/**
 * The retry delays socket.io-client's defaults allow, read from an idle Manager's backoff:
 * retry n waits min x factor^(n-1), ± jitter of that, then capped (500..1500, 1000..3000,
 * 2000..5000, 4000..5000, then 5000). The backoff resets when a reconnect succeeds.
 */
export function socketIoBackoff(): BackoffExpectation {
  const { ms, factor, jitter, max } = backoffOf(new Manager({ autoConnect: false }));
  const bounds: DelayBounds[] = [];
  for (let n = 1; bounds.at(-1)?.min !== max; n++) {
    const base = ms * factor ** (n - 1);
    bounds.push({ min: Math.min(max, Math.ceil(base - jitter * base)), max: Math.min(max, Math.floor(base + jitter * base)) });
  }
  return { bounds, resetAfterMs: 0 };
}

registerSubject<NoOptions>({
  kind: 'socketio',
  protocol: 'ws',
  description: 'socket.io-client v4 against a socket.io server, defaults untouched: server ping 25 s, ping timeout 20 s, retries 1 s x2 ±50% up to 5 s',
  promises: () => ({
    detectionBoundMs: SOCKETIO_PING_INTERVAL_MS + SOCKETIO_PING_TIMEOUT_MS,
    backoff: socketIoBackoff(),
    guarantee: 'at-most-once',
  }),
  createServer: (ctx, spec) => new SocketIoServer(ctx, spec),
  createClient: (ctx, target) => new SocketIoClient(ctx, `http://${target.host}:${target.port}`),
});

declare module '../scenario/subjects.ts' {
  interface SubjectKinds {
    'socketio': NoOptions;
  }
}
