import type { BackoffExpectation } from '../checks/backoff.ts';
import { registerSubject, type NoOptions } from '../scenario/subjects.ts';
import { WsServer } from '../servers/ws-server.ts';
import { RwsClient } from './rws-client.ts';
import { rwsDefaultDelay } from './rws-library.ts';

/** rws's minUptime default: a connection up this long resets the retry counter. */
const RWS_MIN_UPTIME_MS = 5_000;

/**
 * The schedule rws's defaults give, from its own formula: min x 1.3^(n-1) until it reaches the
 * 10 s cap (then the cap repeats). Exact: the one random draw happened when the module loaded.
 */
export function rwsBackoff(): BackoffExpectation {
  const exact = [rwsDefaultDelay(1)];
  for (let n = 2; n <= 100 && exact.at(-1) !== rwsDefaultDelay(n); n++) exact.push(rwsDefaultDelay(n));
  return { exact, resetAfterMs: RWS_MIN_UPTIME_MS };
}

registerSubject<NoOptions>({
  kind: 'rws',
  protocol: 'ws',
  description: 'ws wrapped by reconnecting-websocket 4.4.0, defaults untouched: no heartbeat, retries x1.3 up to 10 s, sends queued while closed',
  promises: () => ({ backoff: rwsBackoff(), guarantee: 'at-most-once' }),
  createServer: (ctx, spec) => new WsServer(ctx, spec),
  createClient: (ctx, target) => new RwsClient(ctx, `ws://${target.host}:${target.port}`),
});

declare module '../scenario/subjects.ts' {
  interface SubjectKinds {
    'rws': NoOptions;
  }
}
