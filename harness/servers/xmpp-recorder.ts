import { xml, type Element } from '@xmpp/xml';
import { localPart, RECORDER_USER, XMPP_DOMAIN, XMPP_PASSWORD } from '../protocol/xmpp.ts';
import { XmppStream } from '../protocol/xmpp-stream.ts';
import { FlatlineError } from '../util/errors.ts';
import type { ServerContext } from './server.ts';

/** Where subjects send their messages: the recorder's bare JID. */
export const RECORDER_JID = `${RECORDER_USER}@${XMPP_DOMAIN}`;

/**
 * Records message.delivered {id, client} for every <message/> an XMPP server routes to
 * RECORDER_JID, the same way for the reference server and for Prosody: it is itself a client of
 * that server, logged in as "recorder" straight to the server's port (never through a proxy, so
 * faults do not touch it). `client` is the sender's local part. It never reconnects by itself:
 * its server calls connect() when it is up.
 */
export class XmppRecorder {
  private stream: XmppStream | undefined;
  private readonly source: string;

  constructor(private readonly ctx: ServerContext) {
    this.source = `server:${ctx.name}`;
  }

  /** Logs in (again, after a restart); resolves once the server routes messages to it. */
  connect(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let open = false;
      this.stream = new XmppStream(
        { host: this.ctx.host === '0.0.0.0' ? '127.0.0.1' : (this.ctx.host ?? '127.0.0.1'), port, domain: XMPP_DOMAIN, user: RECORDER_USER, password: XMPP_PASSWORD, resource: 'recorder' },
        {
          authenticated: () => {
            open = true;
            // Available presence: servers route a message to a bare JID only to available resources (RFC 6121 §8.5.2.1.1).
            this.stream?.send(xml('presence'));
            resolve();
          },
          element: (element) => this.record(element),
          closed: (reason) => {
            this.stream = undefined;
            if (!open) reject(new FlatlineError('FLATLINE_ERR_SERVER', `server "${this.ctx.name}": its delivery recorder could not log in: ${reason}`));
          },
        },
      );
    });
  }

  /** Drops the connection (the server went away, or the run is over). */
  close(): void {
    this.stream?.disconnect('recorder closed');
    this.stream = undefined;
  }

  private record(element: Element): void {
    if (element.is('iq') && element.attrs.type === 'get') {
      // XEP-0199 §4.1: answer a server's ping, or a server that pings would drop the recorder.
      this.stream?.send(xml('iq', { type: 'result', id: element.attrs.id, to: element.attrs.from }));
      return;
    }
    if (!element.is('message') || element.attrs.type === 'error') return;
    this.ctx.trace(this.source, 'message.delivered', { id: element.attrs.id ?? `unidentified:${element.getChildText('body')?.slice(0, 40)}`, client: localPart(element.attrs.from) });
  }
}
