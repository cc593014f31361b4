import { registerBuiltInSubject, type NoOptions } from '../scenario/subjects.ts';
import { XmppServer } from '../servers/xmpp-server.ts';
import { XmppFrameworkClient, XMPPFRAMEWORK_DEFAULTS as d } from './seed-xmppframework-client.ts';

registerBuiltInSubject<NoOptions>({
  kind: 'seed-xmppframework',
  protocol: 'xmpp',
  description: "seed articles 003/004: XMPPFramework with XMPPAutoPing (60 s, 10 s timeout) and XMPPReconnect (2 s, then every 20 s); no acks",
  promises: () => ({
    // a ping goes out on the first 15 s tick after 60 s without a stanza in, then 10 s for the pong
    detectionBoundMs: d.pingIntervalMs + d.pingTimerMs + d.pingTimeoutMs,
    backoff: { exact: [d.reconnectDelayMs, d.reconnectTimerIntervalMs] },
    guarantee: 'at-most-once',
  }),
  createServer: (ctx, spec) => new XmppServer(ctx, spec),
  createClient: (ctx, target) => new XmppFrameworkClient(ctx, target),
});

declare module '../scenario/subjects.ts' {
  interface SubjectKinds {
    'seed-xmppframework': NoOptions;
  }
}
