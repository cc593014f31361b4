import { afterEach, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/xml';
import { RealClock } from '../clock/real-clock.ts';
import { XmppStream } from '../protocol/xmpp-stream.ts';
import { XMPP_DOMAIN, XMPP_PASSWORD } from '../protocol/xmpp.ts';
import { Trace } from '../trace/trace.ts';
import { ProsodyServer, prosodyPath } from './prosody.ts';
import { RECORDER_JID } from './xmpp-recorder.ts';

const installed = prosodyPath() !== undefined;
const missing = installed ? '' : ' (skipped: install prosody (apt-get install prosody) to run the real-server tests)';

let server: ProsodyServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function context() {
  const clock = new RealClock();
  const trace = new Trace(clock);
  return { ctx: { clock, trace: trace.sink, name: 'prosody' }, trace };
}

describe(`real Prosody${missing}`, () => {
  it.skipIf(!installed)('starts on a free port with its own accounts, and its recorder records what a client sends it', async () => {
    const { ctx, trace } = context();
    server = new ProsodyServer(ctx, { users: ['alice'] });
    await server.start();
    const delivered = new Promise<void>((resolve) => {
      const stream = new XmppStream(
        { host: '127.0.0.1', port: server!.port, domain: XMPP_DOMAIN, user: 'alice', password: XMPP_PASSWORD },
        {
          authenticated: () => stream.send(xml('message', { to: RECORDER_JID, id: 'hello-1', type: 'chat' }, xml('body', {}, 'hello'))),
          element: () => {},
          closed: () => {},
        },
      );
      const poll = setInterval(() => {
        if (trace.ofType('message.delivered').length > 0) {
          clearInterval(poll);
          stream.disconnect();
          resolve();
        }
      }, 10);
    });
    await delivered;
    expect(trace.ofType('message.delivered')).toMatchObject([{ id: 'hello-1', client: 'alice' }]);
  });

  it.skipIf(!installed)("refuses a 'reset' stop, which it cannot do, and comes back on the same port after a crash", async () => {
    const { ctx } = context();
    server = new ProsodyServer(ctx);
    await server.start();
    await expect(server.stop('reset')).rejects.toThrow(/prosody cannot reset its connections; stop it with 'graceful' or 'crash'/);
    const port = server.port;
    await server.stop('crash');
    await server.start();
    expect(server.port).toBe(port);
  });
});

describe('ProsodyServer', () => {
  it('says what it tried to run when the binary will not start', async () => {
    const { ctx } = context();
    server = new ProsodyServer(ctx, { binary: '/nonexistent/prosody', startTimeoutMs: 2000 });
    await expect(server.start()).rejects.toThrow(/server "prosody": prosody \(\/nonexistent\/prosody\) did not start on 127\.0\.0\.1:\d+: it exited \(spawn \/nonexistent\/prosody ENOENT\)/);
  });
});
