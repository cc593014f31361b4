import type net from 'node:net';
import { Parser, xml, type Element } from '@xmpp/xml';
import type { Clock, TimerHandle } from '../clock/clock.ts';
import { Heartbeat, type HeartbeatOptions } from '../policy/heartbeat.ts';
import {
  bareJid,
  isStanza,
  NS_BIND,
  NS_CLIENT,
  NS_PING,
  NS_SASL,
  NS_SM,
  NS_STANZAS,
  NS_STREAM,
  STREAM_FOOTER,
  streamError,
  streamHeader,
  type StreamErrorCondition,
} from '../protocol/xmpp.ts';
import type { ServerConnection } from './message-sink.ts';
import type { XmppRoute, XmppRouter } from './xmpp-router.ts';
import { checkPlain } from './xmpp-sasl.ts';
import { ScramSha1Exchange } from './xmpp-scram.ts';
import { SmSession, type SmHibernation } from './xmpp-stream-management.ts';

/** A bound resource: it outlives its connection while its stream-managed session hibernates. */
export class BoundResource implements XmppRoute {
  sm: SmSession | undefined;
  /** The connection currently carrying it; undefined while it hibernates. */
  owner: XmppConnection | undefined;

  constructor(readonly jid: string) {}

  deliver(stanza: Element): void {
    this.sm?.sent(stanza);
    this.owner?.write(stanza.toString());
  }
}

/** What every connection of one server shares. */
export interface XmppServerState {
  clock: Clock;
  domain: string;
  password(user: string): string | undefined;
  router: XmppRouter;
  hibernation: SmHibernation<BoundResource>;
  /** Stream-managed resources by XEP-0198 id, while a connection carries them. */
  live: Map<string, XmppConnection>;
  /** A deterministic id for a stream, a resource or a session. */
  nextId(kind: 'stream' | 'resource' | 'sm' | 'ping'): string;
  /** Whether a message from `user` with `id` is new (false: a duplicate to drop). */
  firstTime(user: string, id: string | undefined): boolean;
  ping: HeartbeatOptions | undefined;
  limits: XmppLimits;
}

export interface XmppLimits {
  /** Largest top-level element before and after authentication, in bytes. */
  unauthedBytes: number;
  authedBytes: number;
  /** How long a connection may take to bind a resource (or resume). */
  negotiationMs: number;
}

type Stage = 'header' | 'auth' | 'restart' | 'bind' | 'active' | 'closed';

/**
 * One client connection to the reference XMPP server: stream negotiation (RFC 6120 §4), SASL PLAIN
 * (§6), resource binding (§7), then stanzas: XEP-0199 pings answered, messages routed with the
 * sender's full JID stamped on, XEP-0198 acks, requests and resumption. A stream error names what
 * was wrong (and is what `server.closed` says); a limit or a timeout is a stream error too.
 */
export class XmppConnection {
  private stage: Stage = 'header';
  private parser: Parser | undefined;
  private user: string | undefined;
  private resource: BoundResource | undefined;
  /** Bytes since the last complete top-level element: what the stanza size limit counts. */
  private pendingBytes = 0;
  private completed = false;
  /** The client closed its stream (</stream:stream>): its session ends instead of hibernating. */
  private cleanClose = false;
  private readonly negotiationTimer: TimerHandle;
  private readonly ping: Heartbeat | undefined;
  private pingId: string | undefined;
  private scram: ScramSha1Exchange | undefined;
  /** Writes of this turn are held for one send (see write). */
  private corked = false;

  constructor(
    private readonly state: XmppServerState,
    private readonly socket: net.Socket,
    private readonly conn: ServerConnection,
  ) {
    socket.setNoDelay(true);
    this.newParser();
    this.negotiationTimer = state.clock.setTimeout(
      () => this.fail('connection-timeout', `no session within ${state.limits.negotiationMs / 1000} s of connecting`),
      state.limits.negotiationMs,
    );
    this.ping = state.ping
      ? new Heartbeat(state.clock, state.ping, {
          send: () => this.sendPing(),
          dead: (reason) => this.drop(`server ping: ${reason}`),
        })
      : undefined;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.onClose());
  }

  /**
   * What one turn writes leaves in one send, as Prosody's does: its server_epoll queues every
   * write in the connection's writebuffer and sends the whole buffer when the poller reports the
   * socket writable (opportunistic_writes = false by default; net/server_epoll.lua, interface:write
   * and interface:onwritable). So the stream header and its features, or <resumed/> and the
   * stanzas it resends, reach the client as one chunk on both substrates alike, and a latency
   * toxic draws one jitter for them on both.
   */
  write(data: string): void {
    if (this.stage === 'closed' || !this.socket.writable) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => this.uncork());
    }
    this.socket.write(data);
  }

  private uncork(): void {
    if (!this.corked) return;
    this.corked = false;
    this.socket.uncork();
  }

  /** A graceful server stop: system-shutdown (RFC 6120 §4.9.3.19), then the stream and the socket close. */
  goodbye(): void {
    this.fail('system-shutdown', 'the server is stopping');
  }

  /** Another connection resumed this one's session: this one ends without a word (it is likely dead). */
  handOver(): BoundResource | undefined {
    const resource = this.resource;
    this.resource = undefined;
    if (resource) resource.owner = undefined;
    this.drop('session resumed on another connection');
    return resource;
  }

  private newParser(): void {
    const parser = new Parser();
    parser.on('start', (root: Element) => this.onStreamStart(root));
    parser.on('element', (element: Element) => {
      this.completed = true;
      // An element that arrived whole in one chunk never showed in pendingBytes: measure it.
      const size = Buffer.byteLength(element.toString());
      if (size > this.sizeLimit()) this.tooLarge();
      else this.onElement(element);
    });
    parser.on('end', () => this.onStreamEnd());
    parser.on('error', (err: Error) => this.fail('not-well-formed', `malformed XML: ${err.message}`));
    this.parser = parser;
  }

  private onData(chunk: Buffer): void {
    if (this.stage === 'closed') return;
    this.ping?.noteReceived();
    this.completed = false;
    this.pendingBytes += chunk.length;
    try {
      this.parser?.write(chunk.toString('utf8'));
    } catch (err) {
      this.fail('not-well-formed', `malformed XML: ${(err as Error).message}`);
      return;
    }
    if (this.completed) this.pendingBytes = 0;
    if (this.pendingBytes > this.sizeLimit()) this.tooLarge();
  }

  private sizeLimit(): number {
    return this.user === undefined ? this.state.limits.unauthedBytes : this.state.limits.authedBytes;
  }

  private tooLarge(): void {
    this.fail('policy-violation', `stanza too large: more than ${this.sizeLimit()} bytes`);
  }

  private onStreamStart(root: Element): void {
    if (root.name !== 'stream:stream' || root.attrs['xmlns:stream'] !== NS_STREAM) {
      this.fail('invalid-namespace', `expected <stream:stream xmlns:stream='${NS_STREAM}'>, got <${root.name}>`);
      return;
    }
    if (root.attrs.xmlns !== NS_CLIENT) {
      this.fail('invalid-namespace', `expected xmlns='${NS_CLIENT}', got ${JSON.stringify(root.attrs.xmlns ?? '')}`);
      return;
    }
    if (root.attrs.to !== this.state.domain) {
      this.fail('host-unknown', `this server serves ${this.state.domain}, not ${JSON.stringify(root.attrs.to ?? '')}`);
      return;
    }
    this.write(streamHeader({ from: this.state.domain, id: this.state.nextId('stream') }));
    if (this.stage === 'header') {
      this.stage = 'auth';
      this.write(xml('stream:features', {}, xml('mechanisms', { xmlns: NS_SASL }, xml('mechanism', {}, 'SCRAM-SHA-1'), xml('mechanism', {}, 'PLAIN'))).toString());
    } else {
      this.stage = 'bind';
      this.write(xml('stream:features', {}, xml('bind', { xmlns: NS_BIND }), xml('sm', { xmlns: NS_SM })).toString());
    }
  }

  private onElement(element: Element): void {
    if (this.stage === 'auth') return this.onAuth(element);
    if (this.stage === 'bind' || this.stage === 'active') return this.onAuthenticated(element);
    if (this.stage !== 'closed') this.fail('not-authorized', `<${element.name}> before the stream was negotiated`);
  }

  private onAuth(element: Element): void {
    const payload = () => Buffer.from(element.getText().trim(), 'base64').toString('utf8');
    if (element.is('response', NS_SASL) && this.scram) {
      const result = this.scram.final(payload());
      this.scram = undefined;
      if ('failure' in result) this.saslFailure(result.failure, result.text);
      else this.authenticated(result.user, Buffer.from(result.serverFinal).toString('base64'));
      return;
    }
    if (element.is('abort', NS_SASL)) {
      this.scram = undefined;
      this.saslFailure('aborted', 'the client aborted');
      return;
    }
    if (!element.is('auth', NS_SASL)) {
      this.fail('not-authorized', `<${element.name}> before authentication`);
      return;
    }
    if (element.attrs.mechanism === 'SCRAM-SHA-1') {
      this.scram = new ScramSha1Exchange((user) => this.state.password(user), this.state.nextId('stream'));
      const step = this.scram.first(payload());
      if ('failure' in step) this.saslFailure(step.failure, step.text);
      else this.write(xml('challenge', { xmlns: NS_SASL }, Buffer.from(step.challenge).toString('base64')).toString());
      return;
    }
    const result = checkPlain(element.attrs.mechanism, element.getText(), (user) => this.state.password(user));
    if ('failure' in result) this.saslFailure(result.failure, result.text);
    else this.authenticated(result.user);
  }

  /** RFC 6120 §6.4.5: a failure lets the client try again on the same stream. */
  private saslFailure(condition: string, text: string): void {
    this.write(xml('failure', { xmlns: NS_SASL }, xml(condition), xml('text', {}, text)).toString());
  }

  private authenticated(user: string, additionalData?: string): void {
    this.user = user;
    this.conn.receive(() => ({ t: 'hello', client: user }));
    this.write(xml('success', { xmlns: NS_SASL }, ...(additionalData ? [additionalData] : [])).toString());
    // RFC 6120 §6.4.6: both sides restart the stream; the client's new header comes on a fresh parser.
    this.stage = 'restart';
    this.newParser();
  }

  private onAuthenticated(element: Element): void {
    const sm = this.resource?.sm;
    if (isStanza(element) && sm) sm.received();
    if (element.attrs.xmlns === NS_SM) return this.onStreamManagement(element);
    if (this.stage === 'bind') {
      if (element.is('iq') && element.getChild('bind', NS_BIND)) this.bind(element);
      else this.fail('not-authorized', `<${element.name}> before a resource was bound`);
      return;
    }
    if (element.is('iq')) this.onIq(element);
    else if (element.is('message')) this.onMessage(element);
    // presence: no rosters here, so there is no one to broadcast it to.
  }

  private bind(iq: Element): void {
    const asked = iq.getChild('bind', NS_BIND)?.getChildText('resource');
    const jid = `${this.user}@${this.state.domain}/${asked || this.state.nextId('resource')}`;
    const resource = new BoundResource(jid);
    // Prosody's default conflict_resolve is "kick_old" (core/sessionmanager.lua): the new one wins.
    const previous = this.state.router.bind(resource);
    if (previous instanceof BoundResource) previous.owner?.fail('conflict', 'replaced by a new connection');
    this.activate(resource);
    this.write(xml('iq', { type: 'result', id: iq.attrs.id }, xml('bind', { xmlns: NS_BIND }, xml('jid', {}, jid))).toString());
  }

  private activate(resource: BoundResource): void {
    this.resource = resource;
    resource.owner = this;
    this.stage = 'active';
    this.state.clock.clearTimeout(this.negotiationTimer);
    this.ping?.start();
  }

  private onStreamManagement(element: Element): void {
    const resource = this.resource;
    if (element.is('r')) {
      if (resource?.sm) this.write(xml('a', { xmlns: NS_SM, h: resource.sm.inbound }).toString());
    } else if (element.is('a')) {
      resource?.sm?.acked(Number(element.attrs.h));
    } else if (element.is('enable')) {
      if (!resource || resource.sm) return this.smFailed('unexpected-request');
      const resumable = element.attrs.resume === 'true' || element.attrs.resume === '1';
      const id = this.state.nextId('sm');
      resource.sm = new SmSession(id, this.user!);
      if (resumable) this.state.live.set(id, this);
      this.write(xml('enabled', resumable ? { xmlns: NS_SM, id, resume: 'true', max: this.state.hibernation.timeoutMs / 1000 } : { xmlns: NS_SM }).toString());
    } else if (element.is('resume')) {
      this.resume(element);
    }
  }

  private smFailed(condition: string): void {
    this.write(xml('failed', { xmlns: NS_SM }, xml(condition, { xmlns: NS_STANZAS })).toString());
  }

  /** XEP-0198 §5: picks the session up again, from a hibernating one or from a connection that seems alive. */
  private resume(element: Element): void {
    if (this.stage !== 'bind') return this.smFailed('unexpected-request');
    const previd = element.attrs.previd ?? '';
    const live = this.state.live.get(previd);
    const resource = live ? live.handOver() : this.state.hibernation.take(previd);
    if (!resource?.sm || resource.sm.user !== this.user) return this.smFailed('item-not-found');
    this.state.live.set(previd, this);
    this.activate(resource);
    this.write(xml('resumed', { xmlns: NS_SM, previd, h: resource.sm.inbound }).toString());
    for (const stanza of resource.sm.resend(Number(element.attrs.h))) resource.deliver(stanza);
  }

  private onIq(iq: Element): void {
    const { type, id, to } = iq.attrs;
    if (type === 'result' || type === 'error') {
      if (id !== undefined && id === this.pingId) {
        this.pingId = undefined;
        this.ping?.noteReply();
      }
      if (to && to !== this.state.domain) this.forward(to, iq);
      return;
    }
    if (to && to !== this.state.domain && to !== bareJid(this.resource!.jid)) {
      this.forward(to, iq);
      return;
    }
    const reply = iq.getChild('ping', NS_PING)
      ? xml('iq', { type: 'result', id, from: this.state.domain, to: this.resource!.jid })
      : xml('iq', { type: 'error', id, from: this.state.domain, to: this.resource!.jid }, xml('error', { type: 'cancel' }, xml('service-unavailable', { xmlns: NS_STANZAS })));
    this.resource!.deliver(reply);
  }

  private onMessage(message: Element): void {
    const to = message.attrs.to;
    if (!to) return;
    if (!this.state.firstTime(this.user!, message.attrs.id)) return;
    this.forward(to, message);
  }

  private forward(to: string, stanza: Element): void {
    stanza.attrs.from = this.resource!.jid;
    this.state.router.route(to, stanza);
  }

  private sendPing(): void {
    if (!this.resource) return;
    this.pingId = this.state.nextId('ping');
    this.resource.deliver(xml('iq', { type: 'get', id: this.pingId, from: this.state.domain, to: this.resource.jid }, xml('ping', { xmlns: NS_PING })));
  }

  private onStreamEnd(): void {
    this.cleanClose = true;
    this.write(STREAM_FOOTER);
    this.socket.end();
    this.finish('stream closed by the client');
  }

  /** Ends the stream with a stream error (RFC 6120 §4.9): the error, the footer, then a FIN. */
  fail(condition: StreamErrorCondition, text: string): void {
    if (this.stage === 'closed') return;
    if (this.stage === 'header') this.write(streamHeader({ from: this.state.domain, id: this.state.nextId('stream') }));
    this.write(streamError(condition, text) + STREAM_FOOTER);
    this.cleanClose = condition !== 'system-shutdown';
    this.socket.end();
    this.finish(`stream error ${condition}: ${text}`);
  }

  /** Drops the connection without a word (a dead ping, a takeover): a stream-managed session hibernates. */
  private drop(reason: string): void {
    this.finish(reason);
    this.uncork(); // what this turn wrote still goes, as a write(2) before close(2) would
    this.socket.destroy();
  }

  private onClose(): void {
    this.finish('connection closed');
  }

  private finish(reason: string): void {
    if (this.stage === 'closed') return;
    this.stage = 'closed';
    this.parser = undefined;
    this.ping?.stop();
    this.state.clock.clearTimeout(this.negotiationTimer);
    this.conn.close(reason);
    const resource = this.resource;
    if (!resource) return;
    resource.owner = undefined;
    const sm = resource.sm;
    const resumable = sm !== undefined && this.state.live.get(sm.id) === this;
    if (sm && resumable) this.state.live.delete(sm.id);
    if (resumable && !this.cleanClose) {
      this.state.hibernation.keep(sm.id, resource, (expired) => this.state.router.unbind(expired));
    } else {
      this.state.router.unbind(resource);
    }
  }
}
