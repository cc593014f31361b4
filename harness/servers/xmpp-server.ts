import type net from 'node:net';
import type { HeartbeatOptions } from '../policy/heartbeat.ts';
import { Deduper } from '../policy/dedupe.ts';
import { RECORDER_USER, XMPP_DOMAIN, XMPP_PASSWORD } from '../protocol/xmpp.ts';
import { toMs, type Duration } from '../util/duration.ts';
import { ListeningServer, type ListeningServerOptions } from './listening-server.ts';
import { XmppConnection, type BoundResource, type XmppLimits, type XmppServerState } from './xmpp-connection.ts';
import { XmppRecorder } from './xmpp-recorder.ts';
import { XmppRouter } from './xmpp-router.ts';
import type { ServerContext, StopMode } from './server.ts';
import { SmHibernation } from './xmpp-stream-management.ts';

/**
 * Defaults are Prosody 0.12's (Debian's prosody 0.12.3), the real server flatline cross-checks
 * against: /usr/lib/prosody/modules/mod_c2s.lua and mod_smacks.lua.
 */
/** mod_smacks.lua: smacks_hibernation_time = 600 (s). */
const RESUME_TIMEOUT_MS = 600_000;
/** mod_c2s.lua: c2s_timeout = 300 (s), for a connection that has not authenticated. */
const NEGOTIATION_TIMEOUT_MS = 300_000;
/** mod_c2s.lua: c2s_unauthed_stanza_size_limit = 10000, c2s_stanza_size_limit = 1024*256 (bytes). */
const UNAUTHED_STANZA_BYTES = 10_000;
const STANZA_BYTES = 256 * 1024;

export interface XmppServerOptions extends ListeningServerOptions {
  /** Server-side XEP-0199 pings to quiet clients; one that answers nothing is dropped. Off by default. */
  ping?: HeartbeatOptions;
  /** How long a stream-managed session waits to be resumed after its connection is lost. Default 10m. */
  resumeTimeout?: Duration;
  /** user -> password; default: every user exists, with the password "flatline" (so does "recorder", always). */
  accounts?: Record<string, string>;
  /** Largest stanza after authentication, in bytes. Default 256 KiB. */
  stanzaSizeLimit?: number;
  /** How long a connection may take to authenticate and bind. Default 5m. */
  negotiationTimeout?: Duration;
}

/**
 * The reference XMPP server (RFC 6120 client-to-server on TCP, domain "flatline.test"): SASL PLAIN,
 * resource binding, message routing between connected JIDs, XEP-0199 ping answers, XEP-0198 stream
 * management with resumption, optional server-side pings. Deliveries are recorded by an XmppRecorder
 * logged in as recorder@flatline.test. A restart forgets every session, as a process without
 * persistence does; a graceful stop says system-shutdown first.
 */
export class XmppServer extends ListeningServer {
  readonly protocol = 'xmpp' as const;
  private readonly state: XmppServerState;
  private readonly connections = new Map<net.Socket, XmppConnection>();
  private readonly recorder: XmppRecorder;
  private readonly counters = new Map<string, number>();

  constructor(ctx: ServerContext, options: XmppServerOptions = {}) {
    super(ctx, options);
    const deduper = options.dedupe ? new Deduper() : undefined;
    const limits: XmppLimits = {
      unauthedBytes: UNAUTHED_STANZA_BYTES,
      authedBytes: options.stanzaSizeLimit ?? STANZA_BYTES,
      negotiationMs: options.negotiationTimeout === undefined ? NEGOTIATION_TIMEOUT_MS : toMs(options.negotiationTimeout, 'negotiationTimeout'),
    };
    this.state = {
      clock: ctx.clock,
      domain: XMPP_DOMAIN,
      // The recorder's account always exists: deliveries must be recorded whatever the accounts are.
      password: (user) => (options.accounts && user !== RECORDER_USER ? options.accounts[user] : XMPP_PASSWORD),
      router: new XmppRouter(),
      hibernation: new SmHibernation<BoundResource>(ctx.clock, options.resumeTimeout === undefined ? RESUME_TIMEOUT_MS : toMs(options.resumeTimeout, 'resumeTimeout')),
      live: new Map(),
      nextId: (kind) => {
        // Kept across restarts: a session id of the old process must not name a new session.
        const n = (this.counters.get(kind) ?? 0) + 1;
        this.counters.set(kind, n);
        return `${kind}-${n}`;
      },
      firstTime: (user, id) => !deduper || id === undefined || deduper.firstTime(user, id),
      ping: options.ping,
      limits,
    };
    this.recorder = new XmppRecorder(ctx);
  }

  protected serve(socket: net.Socket): void {
    const connection = new XmppConnection(this.state, socket, this.sink.accepted());
    this.connections.set(socket, connection);
    socket.on('close', () => this.connections.delete(socket));
  }

  protected override goodbye(socket: net.Socket): void {
    const connection = this.connections.get(socket);
    if (connection) connection.goodbye();
    else socket.end();
  }

  override async start(): Promise<void> {
    if (this.running) return;
    await super.start();
    await this.recorder.connect(this.port);
  }

  override async stop(mode: StopMode = 'graceful'): Promise<void> {
    if (!this.running) return;
    await super.stop(mode);
    this.recorder.close();
    this.state.router.clear();
    this.state.hibernation.clear();
    this.state.live.clear();
  }
}
