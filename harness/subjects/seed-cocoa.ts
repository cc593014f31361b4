import { TcpServer } from '../servers/tcp-server.ts';
import type { SeedPolicy } from './seed-client.ts';
import { rawTcpDial } from './seed-links.ts';
import { registerSeedSubject } from './seed-subject.ts';

/**
 * `seed-cocoa`: the CocoaAsyncSocket manager of seed 000 (GCDAsyncSocket in a singleton).
 * - Heartbeat: a GCD timer, period 15.0 s, started with dispatch_walltime(NULL, 0) and resumed in
 *   didConnectToHost, so the first beat goes at once; it writes "socket_connect_check" (here the
 *   reference 1-byte PING) with writeData:withTimeout:-1 and reads no reply. The article believes a
 *   missing reply makes GCDAsyncSocket report the disconnect; nothing in its code waits for one.
 * - Reconnect: only from socketDidDisconnect:withError:, the callback the article itself says
 *   "cannot be guaranteed to fire". The article gives no delay; a retry made at once would spin at
 *   network speed while the server is down (and never let virtual time move), so flatline retries
 *   1 s after each callback, forever: the smallest plausible figure, stated here, not the article's.
 * - disConnect clears the delegate first, so a user disconnect never reaches the callback.
 */
const policy: SeedPolicy = {
  heartbeat: { firstMs: 0, everyMs: 15_000 },
  backoff: { immediateFirst: false, base: '1s', factor: 1, cap: '1s', resetAfter: '0s' },
};

registerSeedSubject({
  kind: 'seed-cocoa',
  protocol: 'tcp',
  description: 'seed article 000: CocoaAsyncSocket manager; write-only heartbeat every 15 s, reconnects only when the disconnect callback fires',
  policy,
  server: (ctx, spec) => new TcpServer(ctx, spec),
  dial: rawTcpDial,
});

declare module '../scenario/subjects.ts' {
  interface SubjectKinds {
    'seed-cocoa': NoOptions;
  }
}
