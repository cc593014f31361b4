import { registerBuiltInSubject, type NoOptions } from '../scenario/subjects.ts';
import { XmppServer } from '../servers/xmpp-server.ts';
import { XmppJsClient, xmppJsDefaults } from './xmpp-client.ts';

registerBuiltInSubject<NoOptions>({
  kind: 'xmpp',
  protocol: 'xmpp',
  description: '@xmpp/client (xmpp.js) 0.14, defaults untouched: XEP-0198 <r/> after 30 s of quiet, dead 60 s later; reconnect every 1 s, resuming the session',
  promises: () => {
    const d = xmppJsDefaults();
    return {
      // the last element in, then <r/> after the ack interval, then the ack timeout
      detectionBoundMs: d.requestAckIntervalMs + d.ackTimeoutMs,
      backoff: { exact: [d.reconnectDelayMs] },
      guarantee: 'at-least-once',
    };
  },
  createServer: (ctx, spec) => new XmppServer(ctx, spec),
  createClient: (ctx, target) => new XmppJsClient(ctx, target),
});

declare module '../scenario/subjects.ts' {
  interface SubjectKinds {
    'xmpp': NoOptions;
  }
}
