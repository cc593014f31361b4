import { xml, type Element } from '@xmpp/xml';
import type { TimerHandle } from '../clock/clock.ts';
import type { ClientAdapter, ClientContext } from '../clients/adapter.ts';
import { TracedClient } from '../clients/traced-client.ts';
import type { HostPort } from '../net/address.ts';
import { NS_PING, NS_STANZAS, XMPP_DOMAIN, XMPP_PASSWORD } from '../protocol/xmpp.ts';
import { XmppStream } from '../protocol/xmpp-stream.ts';
import { RECORDER_JID } from '../servers/xmpp-recorder.ts';

/** XMPPFramework's defaults, each read in its own sources (robbiehanson/XMPPFramework). */
export interface XmppFrameworkDefaults {
  /** Extensions/Reconnect/XMPPReconnect.h: #define DEFAULT_XMPP_RECONNECT_DELAY 2.0 (s). */
  reconnectDelayMs: number;
  /** XMPPReconnect.h: #define DEFAULT_XMPP_RECONNECT_TIMER_INTERVAL 20.0 (s). */
  reconnectTimerIntervalMs: number;
  /** Extensions/XEP-0199/XMPPAutoPing.h: "The default pingInterval is 60 seconds." */
  pingIntervalMs: number;
  /** XMPPAutoPing.h: "The default pingTimeout is 10 seconds." */
  pingTimeoutMs: number;
  /** XMPPAutoPing.h: "The internal timer fires every (pingInterval / 4) seconds." */
  pingTimerMs: number;
}

export const XMPPFRAMEWORK_DEFAULTS: XmppFrameworkDefaults = {
  reconnectDelayMs: 2000,
  reconnectTimerIntervalMs: 20_000,
  pingIntervalMs: 60_000,
  pingTimeoutMs: 10_000,
  pingTimerMs: 15_000,
};

/**
 * The XMPP client of seed articles 003/004 (XMPPFramework against Openfire), as XMPPFramework's
 * modules behave with their defaults, each rule from its source:
 * - XMPPStream logs in (here with PLAIN) and binds; -connect: has no timeout, and -disconnect closes
 *   the socket without </stream:stream>. A send while not connected is not sent
 *   (xmppStream:didFailToSendMessage:error:). Its whitespace keepalive (DEFAULT_KEEPALIVE_INTERVAL,
 *   120 s on iOS, XMPPStream.h) never fires here: the 60 s pings keep the stream busier than that.
 *   An unhandled IQ get is answered with service-unavailable (RFC 6120 §8.2.3).
 * - XMPPAutoPing (XMPPAutoPing.m): a timer every pingInterval/4 from authentication; on a tick it
 *   pings the server when nothing (IQ, message or presence) came in for pingInterval and no ping is
 *   out; a ping unanswered for pingTimeout calls xmppAutoPingDidTimeout:. What the app does there
 *   is the article's: "客户端会断开连接然后重新建立一个连接" (disconnect, then connect again),
 *   which in XMPPFramework is [xmppStream disconnect] then [xmppReconnect manualStart] (a
 *   -disconnect alone stops XMPPReconnect: xmppStreamWasToldToDisconnect:).
 * - XMPPReconnect (XMPPReconnect.m): after an accidental disconnect of a stream that had
 *   authenticated, a timer fires reconnectDelay later and then every reconnectTimerInterval; each
 *   tick connects only if the stream is disconnected (a connect in progress is left alone, however
 *   long it takes); the timer stops when a stream opens. A stream error <conflict/> (logged in
 *   elsewhere) stops it for good.
 * No acks: messages are at-most-once (the articles use neither XEP-0198 nor XEP-0184).
 * The article's "2的n次方" (2^n) reconnect is not what XMPPReconnect does; this is what it does.
 */
export class XmppFrameworkClient extends TracedClient implements ClientAdapter {
  private readonly d = XMPPFRAMEWORK_DEFAULTS;
  private stream: XmppStream | undefined;
  private attempt = 0;
  /** XMPPReconnect's flags: the stream authenticated once (shouldReconnect), or manualStart ran. */
  private shouldReconnect = false;
  private manuallyStarted = false;
  private reconnectTimer: TimerHandle | undefined;
  private nextTickAt = 0;
  private pingTimer: TimerHandle | undefined;
  private pingTimeout: TimerHandle | undefined;
  private lastReceiveAt = 0;
  private pingSentAt: number | undefined;
  private pings = 0;
  private stopped = false;

  constructor(
    ctx: ClientContext,
    private readonly target: HostPort,
  ) {
    super(ctx);
  }

  connect(): void {
    if (this.stream) return;
    this.stopped = false;
    this.open();
  }

  send(body: unknown): string {
    const id = this.sentMessage();
    const message = xml('message', { to: RECORDER_JID, type: 'chat', id }, xml('body', {}, JSON.stringify(body) ?? 'null'));
    if (!this.stream?.open || !this.stream.send(message)) {
      this.events.emit({ type: 'message.failed', id, reason: 'xmppStream:didFailToSendMessage: the stream is not connected' });
    }
    return id;
  }

  async disconnect(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.events.emit({ type: 'disconnect.requested' });
    this.events.setState('closing');
    this.teardown();
    this.stream?.end('the user disconnected');
    this.events.setState('closed');
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.teardown();
    this.stream?.disconnect('closed');
    this.stream = undefined;
    this.events.setState('closed');
  }

  private teardown(): void {
    this.stopReconnectTimer();
    this.stopAutoPing();
    this.shouldReconnect = false;
    this.manuallyStarted = false;
  }

  /** [xmppStream connect:] */
  private open(): void {
    this.events.setState('connecting');
    this.events.emit({ type: 'connect.attempt', attempt: this.attempt });
    const stream: XmppStream = new XmppStream(
      { host: this.target.host, port: this.target.port, domain: XMPP_DOMAIN, user: this.ctx.name, password: XMPP_PASSWORD },
      {
        authenticated: () => this.authenticated(),
        element: (element) => this.received(element),
        closed: (reason) => {
          if (this.stream === stream) this.disconnected(reason);
        },
      },
    );
    this.stream = stream;
  }

  /** xmppStreamDidConnect + xmppStreamDidAuthenticate. */
  private authenticated(): void {
    this.stopReconnectTimer();
    this.manuallyStarted = false;
    this.shouldReconnect = true;
    this.events.setState('open');
    this.events.emit({ type: 'connected', attempt: this.attempt });
    this.attempt = 0;
    this.lastReceiveAt = this.ctx.clock.now();
    this.pingTimer = this.ctx.clock.setInterval(() => this.pingTick(), this.d.pingTimerMs);
  }

  private received(element: Element): void {
    if (!['iq', 'message', 'presence'].includes(element.name)) return;
    this.lastReceiveAt = this.ctx.clock.now();
    if (!element.is('iq')) return;
    const { type, id, from } = element.attrs;
    if (type === 'get' || type === 'set') {
      this.stream?.send(xml('iq', { type: 'error', id, to: from }, xml('error', { type: 'cancel' }, xml('service-unavailable', { xmlns: NS_STANZAS }))));
    } else if (id === `ping-${this.pings}` && this.pingSentAt !== undefined) {
      this.events.emit({ type: 'heartbeat.reply', rttMs: this.ctx.clock.now() - this.pingSentAt });
      this.pingSentAt = undefined;
      this.ctx.clock.clearTimeout(this.pingTimeout);
    }
  }

  /** XMPPAutoPing's handlePingIntervalTimerFire. */
  private pingTick(): void {
    if (this.pingSentAt !== undefined) return;
    if (this.ctx.clock.now() - this.lastReceiveAt < this.d.pingIntervalMs) return;
    this.pingSentAt = this.ctx.clock.now();
    this.stream?.send(xml('iq', { type: 'get', id: `ping-${++this.pings}`, to: XMPP_DOMAIN }, xml('ping', { xmlns: NS_PING })));
    this.events.emit({ type: 'heartbeat.sent' });
    this.pingTimeout = this.ctx.clock.setTimeout(() => this.pingTimedOut(), this.d.pingTimeoutMs);
  }

  /** xmppAutoPingDidTimeout: the article's "disconnect, then connect again". */
  private pingTimedOut(): void {
    this.pingSentAt = undefined;
    this.events.emit({ type: 'link.dead', reason: `XMPPAutoPing timeout: no pong within ${this.d.pingTimeoutMs / 1000} s` });
    this.stopAutoPing();
    const stream = this.stream;
    this.stream = undefined;
    stream?.disconnect('ping timeout'); // xmppStreamWasToldToDisconnect: XMPPReconnect stops
    this.shouldReconnect = false;
    this.manuallyStarted = true; // [xmppReconnect manualStart]
    this.startReconnectTimer();
  }

  /** xmppStreamDidDisconnect:withError: */
  private disconnected(reason: string): void {
    const wasOpen = this.events.state === 'open';
    this.stream = undefined;
    this.stopAutoPing();
    if (this.stopped) return;
    if (wasOpen) this.events.emit({ type: 'link.dead', reason });
    if (reason.includes('stream error conflict')) this.shouldReconnect = false; // xmppStream:didReceiveError:
    if (!this.shouldReconnect && !this.manuallyStarted) {
      this.events.setState('closed');
      return;
    }
    if (!this.reconnectTimer) this.startReconnectTimer();
    else this.announce(this.nextTickAt - this.ctx.clock.now());
  }

  private startReconnectTimer(): void {
    this.nextTickAt = this.ctx.clock.now() + this.d.reconnectDelayMs;
    this.reconnectTimer = this.ctx.clock.setTimeout(() => this.reconnectTick(), this.d.reconnectDelayMs);
    this.announce(this.d.reconnectDelayMs);
  }

  private announce(delayMs: number): void {
    this.attempt++;
    this.events.setState('waiting');
    this.events.emit({ type: 'reconnect.scheduled', attempt: this.attempt, delayMs });
  }

  /** XMPPReconnect's maybeAttemptReconnect: only a disconnected stream is connected again. */
  private reconnectTick(): void {
    this.nextTickAt = this.ctx.clock.now() + this.d.reconnectTimerIntervalMs;
    this.reconnectTimer = this.ctx.clock.setTimeout(() => this.reconnectTick(), this.d.reconnectTimerIntervalMs);
    if (!this.stream) this.open();
  }

  private stopReconnectTimer(): void {
    this.ctx.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  private stopAutoPing(): void {
    this.ctx.clock.clearInterval(this.pingTimer);
    this.ctx.clock.clearTimeout(this.pingTimeout);
    this.pingTimer = undefined;
    this.pingSentAt = undefined;
  }
}
