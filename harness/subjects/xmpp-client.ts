import dc from 'node:diagnostics_channel';
import type net from 'node:net';
import { client as createXmppClient, type Transport, type XmppClient } from '@xmpp/client';
import { xml, type Element } from '@xmpp/xml';
import type { ClientAdapter, ClientContext } from '../clients/adapter.ts';
import { TracedClient } from '../clients/traced-client.ts';
import type { HostPort } from '../net/address.ts';
import { NS_SM, readStreamError, XMPP_DOMAIN, XMPP_PASSWORD } from '../protocol/xmpp.ts';
import { RECORDER_JID } from '../servers/xmpp-recorder.ts';

const clientSockets = dc.channel('net.client.socket');

/**
 * @xmpp/client 0.14's defaults, read from its sources (node_modules/@xmpp/...): reconnect/index.js
 * waits `delay = 1000` ms after every disconnect; stream-management/index.js sends <r/> when nothing
 * came in for `requestAckInterval: 30_000` ms and gives the connection up when `timeout: 60_000` ms
 * pass without any element in; connection/index.js waits `timeout || 2000` ms for the stream to
 * open or to close. Nothing here changes them: the adapter only reads them.
 */
export interface XmppJsDefaults {
  reconnectDelayMs: number;
  requestAckIntervalMs: number;
  ackTimeoutMs: number;
}

/** Reads the defaults off a fresh, never-started client. */
export function xmppJsDefaults(): XmppJsDefaults {
  const probe = createXmppClient({ service: 'xmpp://127.0.0.1:5222', domain: XMPP_DOMAIN });
  const defaults = {
    reconnectDelayMs: probe.reconnect.delay,
    requestAckIntervalMs: probe.streamManagement.requestAckInterval,
    ackTimeoutMs: probe.streamManagement.timeout,
  };
  probe.reconnect.stop();
  return defaults;
}

/**
 * The off-the-shelf subject `xmpp`: @xmpp/client (xmpp.js) with every option at its default, logged
 * in as the client's name over plain TCP. Its heartbeat is XEP-0198's ack request (<r/> answered by
 * <a/>), its reconnect the fixed 1 s of @xmpp/reconnect, and on a reconnect it resumes the
 * stream-managed session, resending what the server had not acknowledged. Messages go to the
 * delivery recorder; message.acked is the server's XEP-0198 <a/> covering it, message.failed a
 * stanza the library gave up on (a resume that failed) or could not write.
 */
export class XmppJsClient extends TracedClient implements ClientAdapter {
  private xmpp: XmppClient | undefined;
  /** Every socket the client opened: the library forgets a socket it gave up on, flatline must not. */
  private readonly sockets = new Set<net.Socket>();
  private attempt = 0;
  private stopped = false;
  /** Why the current connection is ending, once known (a stream error, a socket error). */
  private cause: string | undefined;
  private deadReported = false;
  private lastAckRequest: number | undefined;

  constructor(
    ctx: ClientContext,
    private readonly target: HostPort,
  ) {
    super(ctx);
  }

  connect(): void {
    if (this.xmpp && this.xmpp.status !== 'offline') return;
    this.stopped = false;
    const xmpp = (this.xmpp ??= this.create());
    // What start() does (connection/index.js), minus its promise(this, "online"): when the stream
    // does not open within 2 s, start() rejects and leaves that promise to reject later, unhandled.
    // Failures show as 'error' and 'disconnect'; the reconnect module takes it from there.
    const service = `xmpp://${this.target.host}:${this.target.port}`;
    xmpp
      .connect(service)
      .then(() => xmpp.open({ domain: XMPP_DOMAIN }))
      .catch(() => {});
  }

  send(body: unknown): string {
    const id = this.sentMessage();
    const xmpp = this.xmpp;
    if (!xmpp) {
      this.events.emit({ type: 'message.failed', id, reason: 'dropped: connect() was never called' });
      return id;
    }
    const status = xmpp.status;
    xmpp
      .send(xml('message', { to: RECORDER_JID, id, type: 'chat' }, xml('body', {}, JSON.stringify(body) ?? 'null')))
      .catch((err: Error) => this.events.emit({ type: 'message.failed', id, reason: `not written (status ${status}): ${err.message}` }));
    return id;
  }

  async disconnect(): Promise<void> {
    const xmpp = this.xmpp;
    if (!xmpp || this.stopped) return;
    this.stopped = true;
    this.events.emit({ type: 'disconnect.requested' });
    this.events.setState('closing');
    xmpp.reconnect.stop();
    await xmpp.stop().catch(() => {});
    this.releaseSockets();
    this.events.setState('closed');
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.xmpp?.reconnect.stop();
    this.releaseSockets();
    this.events.setState('closed');
  }

  private releaseSockets(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private create(): XmppClient {
    const xmpp = createXmppClient({ service: `xmpp://${this.target.host}:${this.target.port}`, domain: XMPP_DOMAIN, username: this.ctx.name, password: XMPP_PASSWORD });
    this.trackSockets(xmpp);
    xmpp.on('error', (err: Error & { condition?: string; element?: Element }) => {
      this.cause ??= err.element?.is('error') ? describeStreamError(err.element) : err.name === 'XMLError' ? `malformed XML from the server: ${err.message}` : err.message;
      // A refused login leaves xmpp.js on the open, unauthenticated stream until the server drops it.
      if (err.name === 'SASLError') this.dead(`login failed: ${err.message}`);
    });
    xmpp.on('status', (status: string) => this.onStatus(xmpp, status));
    xmpp.on('send', (element: Element) => {
      if (element.is('r', NS_SM)) {
        this.lastAckRequest = this.ctx.clock.now();
        this.events.emit({ type: 'heartbeat.sent' });
      }
    });
    xmpp.on('nonza', (element: Element) => {
      if (element.is('a', NS_SM) && this.lastAckRequest !== undefined) {
        this.events.emit({ type: 'heartbeat.reply', rttMs: this.ctx.clock.now() - this.lastAckRequest });
        this.lastAckRequest = undefined;
      }
    });
    const sm = xmpp.streamManagement;
    sm.on('ack', (stanza: Element) => {
      if (stanza.is('message') && stanza.attrs.id) this.events.emit({ type: 'message.acked', id: stanza.attrs.id });
    });
    sm.on('fail', (stanza: Element) => {
      if (stanza.is('message') && stanza.attrs.id) this.events.emit({ type: 'message.failed', id: stanza.attrs.id, reason: 'stream management: the session was lost before the server acknowledged it' });
    });
    sm.on('resumed', () => this.online()); // a resume sets the status to online without announcing it
    this.dropStaleLogins(xmpp);
    return xmpp;
  }

  /**
   * xmpp.js 0.14 leaks a 'nonza' listener for every login its connection loses half-way: the SASL
   * exchange (@xmpp/sasl/index.js, `await procedure(entity, ...)`) runs in @xmpp/events'
   * lib/procedure.js, which adds it (`entity.on("nonza", listener)`, line 22) and removes it only
   * when the exchange ends, in `done` or on an error (lines 4 and 9). A lost connection ends
   * neither, so the listener outlives its stream and the next stream's SASL elements reach it too.
   * Once the socket is gone no exchange of it can end: every 'nonza' listener but those the client
   * had before its first connection goes with it.
   */
  private dropStaleLogins(xmpp: XmppClient): void {
    const own = new Set(xmpp.listeners('nonza'));
    xmpp.on('disconnect', () => {
      for (const listener of xmpp.listeners('nonza')) if (!own.has(listener)) xmpp.removeListener('nonza', listener as (...args: unknown[]) => void);
    });
  }

  /**
   * Counts the sockets the library opens, through the transport's own Socket class (the library
   * builds `new Transport.prototype.Socket()` for every connect): a subclass per client, defaults
   * untouched. Node announces a socket on 'net.client.socket' only from net.connect(), so a socket
   * built this way is announced here, for the world's I/O tracker to watch like any other.
   */
  private trackSockets(xmpp: XmppClient): void {
    const sockets = this.sockets;
    xmpp.transports.forEach((transport, i) => {
      const Base = transport.prototype.Socket;
      if (!Base) return;
      class Tracked extends (transport as unknown as new () => object) {}
      Object.defineProperty(Tracked.prototype, 'Socket', {
        value: class extends Base {
          constructor() {
            super();
            sockets.add(this);
            clientSockets.publish({ socket: this });
            this.once('close', () => sockets.delete(this));
          }
        },
      });
      xmpp.transports[i] = Tracked as unknown as Transport;
    });
  }

  private onStatus(xmpp: XmppClient, status: string): void {
    if (this.stopped) return;
    switch (status) {
      case 'connecting':
        this.cause = undefined;
        this.deadReported = false;
        this.events.setState('connecting');
        this.events.emit({ type: 'connect.attempt', attempt: this.attempt });
        return;
      case 'online':
        this.online();
        return;
      case 'closing':
      case 'close':
      case 'disconnecting':
        if (this.events.state === 'open') this.dead(status === 'closing' ? this.cause ?? `no element for ${xmpp.streamManagement.timeout} ms after <r/> (stream management timeout)` : this.cause ?? 'the server closed the stream');
        return;
      case 'disconnect':
        this.dead(this.cause ?? 'connection closed');
        this.attempt++;
        this.events.setState('waiting');
        this.events.emit({ type: 'reconnect.scheduled', attempt: this.attempt, delayMs: xmpp.reconnect.delay });
        return;
      default:
        return;
    }
  }

  private online(): void {
    this.events.setState('open');
    this.events.emit({ type: 'connected', attempt: this.attempt });
    this.attempt = 0;
  }

  private dead(reason: string): void {
    if (this.deadReported) return;
    this.deadReported = true;
    this.events.emit({ type: 'link.dead', reason });
  }
}

function describeStreamError(element: Element): string {
  const { condition, text } = readStreamError(element);
  return `stream error ${condition}${text ? `: ${text}` : ''}`;
}
