import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock } from '../clock/clock.ts';
import type { TraceSink } from '../trace/trace.ts';
import { FlatlineError } from '../util/errors.ts';
import type { Rng } from '../util/rng.ts';
import { formatHostPort, parseHostPort, type HostPort } from './address.ts';
import { LISTEN_BACKLOG } from './backlog.ts';
import { Link } from './link.ts';
import { ToxicCollection } from './toxic-collection.ts';
import type { ToxicSpec } from './toxic.ts';

/** A proxy as Toxiproxy's API shows it. */
export interface ProxyConfig {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

export interface ProxyJSON extends ProxyConfig {
  toxics: ToxicSpec[];
}

/** What every proxy in one world shares. */
export interface ProxyWorld {
  clock: Clock;
  rng: Rng;
  trace: TraceSink;
  /** Opens the server end of a new connection; defaults to a TCP connect (in-memory pipes in simulator mode). */
  dial?: (upstream: HostPort) => Duplex;
  /** The listen backlog of every proxy; default LISTEN_BACKLOG. */
  backlog?: number;
  /** Bytes each direction of a connection may hold before the proxy stops reading; default LINK_BUFFER_BYTES. */
  bufferBytes?: number;
  /** How long closing a connection waits for a slow reader before destroying it; default CLOSE_DEADLINE_MS. */
  closeDeadlineMs?: number;
  /** Called on every connection accepted and every chunk a link reads (see BusyPoll). */
  onActivity?: () => void;
}


/**
 * Listens, accepts, dials its upstream for each accepted connection and owns the resulting links
 * and its toxics, like a Toxiproxy proxy. As in Toxiproxy, the client is accepted before the
 * upstream is known to be reachable; if the dial fails, the client sees the connection close.
 */
export class Proxy {
  readonly toxics: ToxicCollection;
  private readonly links = new Set<Link>();
  private server: net.Server | undefined;
  private config: ProxyConfig;
  private listenAddress: HostPort;
  private upstreamAddress: HostPort;
  private accepted = 0;
  /** One function for every link to call when it closes. */
  private readonly forget = (link: Link): void => void this.links.delete(link);

  constructor(config: ProxyConfig, private readonly world: ProxyWorld) {
    if (typeof config.name !== 'string' || config.name === '') {
      throw new FlatlineError('FLATLINE_ERR_PROXY_FIELD', 'missing required field: name', { status: 400 });
    }
    // Toxiproxy's net.Listen("tcp", listen) fails with a 500 and Go's text (proxy.go listen()).
    this.listenAddress = parseHostPort(config.listen, `proxy "${config.name}": listen`, { prefix: 'listen tcp: ', status: 500 });
    this.upstreamAddress = parseHostPort(config.upstream, `proxy "${config.name}": upstream`);
    this.config = { ...config };
    this.toxics = new ToxicCollection(config.name, () => this.links, (type, detail) => world.trace(`proxy:${config.name}`, type, detail));
  }

  get name(): string {
    return this.config.name;
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  /** The address actually listened on (port 0 becomes the ephemeral port once started). */
  get listen(): HostPort {
    return { ...this.listenAddress };
  }

  get upstream(): HostPort {
    return { ...this.upstreamAddress };
  }

  /** Live connections. */
  get connections(): number {
    return this.links.size;
  }

  /** The live connections themselves, oldest first. */
  openLinks(): Link[] {
    return [...this.links];
  }

  toJSON(): ProxyJSON {
    return {
      name: this.config.name,
      listen: formatHostPort(this.listenAddress),
      upstream: formatHostPort(this.upstreamAddress),
      enabled: this.config.enabled,
      toxics: this.toxics.specs(),
    };
  }

  /** Starts listening if enabled. Fails with a clear error if the address is taken. */
  async start(): Promise<void> {
    if (!this.config.enabled || this.server) return;
    // noDelay as an option: node sets it on the accepted handle, before any JS sees the socket
    const server = net.createServer({ noDelay: true }, (socket) => this.open(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        const where = formatHostPort(this.listenAddress);
        const why = err.code === 'EADDRINUSE' ? 'address already in use; pick another port or use port 0 for a free one' : err.message;
        reject(new FlatlineError('FLATLINE_ERR_LISTEN', `proxy "${this.name}" cannot listen on ${where}: ${why}`, { status: 500, cause: err, apiText: goListenError(err, this.listenAddress) }));
      });
      server.listen({ port: this.listenAddress.port, host: this.listenAddress.host, backlog: this.world.backlog ?? LISTEN_BACKLOG }, () => resolve());
    });
    server.on('error', () => {}); // after listening, errors belong to connections
    this.server = server;
    const addr = server.address() as net.AddressInfo;
    this.listenAddress = { host: addr.address, port: addr.port }; // as Toxiproxy shows listener.Addr()
    this.world.trace(`proxy:${this.name}`, 'proxy.enabled'); // no port: ephemeral ports would make traces differ run to run
  }

  /**
   * Stops listening and closes every connection with a FIN (Toxiproxy's `enabled: false`). The
   * port is free when this resolves; the connections close on their own (a reader that stopped
   * reading within the close deadline), so nothing a client does can hold this up: `drained()`
   * waits for them.
   */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const link of [...this.links]) link.close();
    if (server) {
      server.close(); // releases the port now; its 'close' event would wait for every connection
      this.world.trace(`proxy:${this.name}`, 'proxy.disabled');
    }
  }

  /** Resolves once every connection of the proxy has closed. */
  async drained(): Promise<void> {
    await Promise.all([...this.links].map((link) => link.closed));
  }

  async setEnabled(enabled: boolean): Promise<void> {
    this.config.enabled = enabled;
    if (enabled) await this.start();
    else await this.stop();
  }

  /** New listen/upstream addresses restart the proxy and drop its connections, as Toxiproxy does. */
  async reconfigure(changes: Partial<Pick<ProxyConfig, 'listen' | 'upstream' | 'enabled'>>): Promise<void> {
    // Toxiproxy's Differs() resolves the new address first: net.ResolveTCPAddr's text, a 500.
    const listen = changes.listen === undefined ? this.listenAddress : parseHostPort(changes.listen, `proxy "${this.name}": listen`, { prefix: '', status: 500 });
    const upstream = changes.upstream === undefined ? this.upstreamAddress : parseHostPort(changes.upstream, `proxy "${this.name}": upstream`);
    const moved = formatHostPort(listen) !== formatHostPort(this.listenAddress) || formatHostPort(upstream) !== formatHostPort(this.upstreamAddress);
    if (moved) {
      await this.stop();
      this.listenAddress = listen;
      this.upstreamAddress = upstream;
    }
    await this.setEnabled(changes.enabled ?? this.config.enabled);
  }

  /** Connects an in-memory (or any Duplex) client end through this proxy: simulator mode. */
  attach(client: Duplex): Link {
    return this.open(client);
  }

  private open(client: Duplex): Link {
    this.world.onActivity?.();
    const id = `${this.name}#${++this.accepted}`;
    const server = this.world.dial ? this.world.dial(this.upstreamAddress) : dialTcp(this.upstreamAddress);
    const link = new Link(id, client, server, {
      clock: this.world.clock,
      rng: this.world.rng.fork(id),
      trace: this.world.trace,
      onClosed: this.forget,
      bufferBytes: this.world.bufferBytes,
      closeDeadlineMs: this.world.closeDeadlineMs,
      onActivity: this.world.onActivity,
    });
    this.links.add(link);
    link.start(this.toxics.list());
    return link;
  }
}

/** What Go's net.Listen says for the failures node reports (Toxiproxy returns it as a 500). */
function goListenError(err: NodeJS.ErrnoException, at: HostPort): string | undefined {
  const bind: Record<string, string> = { EADDRINUSE: 'address already in use', EACCES: 'permission denied', EADDRNOTAVAIL: 'cannot assign requested address' };
  if (err.code && bind[err.code]) return `listen tcp ${formatHostPort(at)}: bind: ${bind[err.code]}`;
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return `listen tcp: lookup ${at.host}: no such host`;
  return undefined;
}

function dialTcp({ host, port }: HostPort): net.Socket {
  return net.connect({ host, port, noDelay: true });
}
