import net from 'node:net';
import { Parser, xml, type Element } from '@xmpp/xml';
import { NS_BIND, NS_SASL, NS_STREAM, plainMessage, readStreamError, STREAM_FOOTER, streamHeader } from './xmpp.ts';

export interface XmppStreamOptions {
  host: string;
  port: number;
  domain: string;
  user: string;
  password: string;
  /** The resource to ask for; default: the server picks one. */
  resource?: string;
}

export interface XmppStreamHandlers {
  /** SASL PLAIN succeeded and a resource is bound: stanzas may flow. */
  authenticated(jid: string): void;
  /** A top-level element after authentication. */
  element(element: Element): void;
  /** The connection is gone (it never opened, or it closed); `reason` says why, in the server's words when it gave any. */
  closed(reason: string): void;
}

type Stage = 'connecting' | 'features' | 'auth' | 'restart' | 'bind' | 'open' | 'closed';

/**
 * A client's XMPP stream over TCP, the way XMPPFramework's XMPPStream does it: open the stream,
 * SASL PLAIN, restart, bind a resource, then hand every element up. No timers of its own (the
 * caller decides what silence means), no TLS (flatline's worlds are loopback), and disconnect()
 * closes the socket without </stream:stream>, as XMPPStream's -disconnect does.
 */
export class XmppStream {
  private readonly socket: net.Socket;
  private parser = this.newParser();
  private stage: Stage = 'connecting';
  private reason: string | undefined;

  constructor(
    private readonly options: XmppStreamOptions,
    private readonly handlers: XmppStreamHandlers,
  ) {
    this.socket = net.connect({ host: options.host, port: options.port });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      this.stage = 'features';
      this.sendHeader();
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err: NodeJS.ErrnoException) => (this.reason ??= err.code ? `${err.code}: ${err.message}` : err.message));
    this.socket.on('close', () => this.finish(this.reason ?? (this.stage === 'open' ? 'connection closed by the server' : `connection closed during ${this.stage}`)));
  }

  get open(): boolean {
    return this.stage === 'open';
  }

  /** Writes raw XML (an element, or whitespace as a keepalive); false when there is no open socket. */
  send(data: Element | string): boolean {
    if (this.stage === 'closed' || !this.socket.writable) return false;
    this.socket.write(typeof data === 'string' ? data : data.toString());
    return true;
  }

  /** Closes the socket at once, without the stream's closing tag. */
  disconnect(reason = 'disconnected'): void {
    this.reason ??= reason;
    this.socket.destroy();
  }

  /** Closes the stream politely (</stream:stream>, then FIN). */
  end(reason = 'stream closed'): void {
    this.reason ??= reason;
    this.send(STREAM_FOOTER);
    this.socket.end();
  }

  private sendHeader(): void {
    this.send(streamHeader({ to: this.options.domain }));
  }

  private newParser(): Parser {
    const parser = new Parser();
    parser.on('element', (element: Element) => this.onElement(element));
    parser.on('end', () => this.fail('the server closed the stream'));
    parser.on('error', (err: Error) => this.fail(`malformed XML from the server: ${err.message}`));
    return parser;
  }

  private onData(chunk: Buffer): void {
    try {
      this.parser.write(chunk.toString('utf8'));
    } catch (err) {
      this.fail(`malformed XML from the server: ${(err as Error).message}`);
    }
  }

  private onElement(element: Element): void {
    if (element.is('error', NS_STREAM) || element.name === 'stream:error') {
      const { condition, text } = readStreamError(element);
      this.fail(`stream error ${condition}${text ? `: ${text}` : ''}`);
      return;
    }
    switch (this.stage) {
      case 'features':
        if (!element.getChild('mechanisms', NS_SASL)?.getChildren('mechanism').some((m) => m.getText() === 'PLAIN')) {
          this.fail('the server offers no SASL PLAIN');
          return;
        }
        this.stage = 'auth';
        this.send(xml('auth', { xmlns: NS_SASL, mechanism: 'PLAIN' }, plainMessage(this.options.user, this.options.password)));
        return;
      case 'auth':
        if (element.is('success', NS_SASL)) {
          this.stage = 'restart';
          this.parser = this.newParser();
          this.sendHeader();
        } else {
          const condition = element.getChildElements().find((c) => c.name !== 'text')?.name ?? 'failure';
          const text = element.getChildText('text');
          this.fail(`authentication failed: ${condition}${text ? ` (${text})` : ''}`);
        }
        return;
      case 'restart': {
        this.stage = 'bind';
        const resource = this.options.resource ? [xml('resource', {}, this.options.resource)] : [];
        this.send(xml('iq', { type: 'set', id: 'bind_1' }, xml('bind', { xmlns: NS_BIND }, ...resource)));
        return;
      }
      case 'bind': {
        const jid = element.getChild('bind', NS_BIND)?.getChildText('jid');
        if (!element.is('iq') || element.attrs.type !== 'result' || !jid) {
          this.fail(`resource binding failed: ${element.toString().slice(0, 120)}`);
          return;
        }
        this.stage = 'open';
        this.handlers.authenticated(jid);
        return;
      }
      case 'open':
        this.handlers.element(element);
        return;
      default:
        return;
    }
  }

  private fail(reason: string): void {
    this.reason ??= reason;
    this.socket.destroy();
  }

  private finish(reason: string): void {
    if (this.stage === 'closed') return;
    this.stage = 'closed';
    this.handlers.closed(reason);
  }
}
