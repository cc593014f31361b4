import { TcpServer } from '../servers/tcp-server.ts';
import type { SeedPolicy } from './seed-client.ts';
import { registerSeedSubject } from './seed-subject.ts';
import { rawTcpDial } from './seed-links.ts';

/**
 * `seed-raw`: the BSD-socket manager of seeds 000 and 002 (SocketDemo / TYHSocketManager with
 * socket(), connect(), send(), a recv() loop on a thread of its own). It connects, sends, and
 * when recv() returns 0 it closes the socket (000) and that is the end: no heartbeat, no
 * reconnect, and send() on the closed socket fails with nobody looking at the return value.
 */
const policy: SeedPolicy = {};

registerSeedSubject({
  kind: 'seed-raw',
  protocol: 'tcp',
  description: 'seed articles 000/002: raw BSD socket manager; no heartbeat, no reconnect',
  policy,
  server: (ctx, spec) => new TcpServer(ctx, spec),
  dial: rawTcpDial,
});

declare module '../scenario/subjects.ts' {
  interface SubjectKinds {
    'seed-raw': NoOptions;
  }
}
