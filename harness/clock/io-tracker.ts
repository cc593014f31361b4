import dc from 'node:diagnostics_channel';
import net from 'node:net';

/** Anything besides sockets that can still be moving bytes (in-memory pipes in simulator mode). */
export interface IoSource {
  /** True while the source has work in flight that will finish without the clock moving. */
  busy(): boolean;
  /** A number that changes whenever the source makes progress. */
  progress(): number;
  /** Names the source in a stall report. */
  readonly name?: string;
}

/** What the settle loop learns from one look at the world's I/O. */
export interface IoState {
  /** Something is in flight that will finish without the clock moving. */
  busy: boolean;
  /** Some connection goes out of process (its peer answers in real time). */
  external: boolean;
  /** When busy: the first thing in flight, named (which socket, and what it waits for). */
  waiting?: string;
}

type Side = 'client' | 'server';

/**
 * Watches every TCP socket the process creates (node's 'net.client.socket' and 'net.server.socket'
 * diagnostics channels see third-party clients too) and answers one question for the settle loop:
 * is real I/O still in flight? Busy means any of:
 * - a socket still connecting;
 * - bytes a socket has not flushed to the kernel (writableLength), or a FIN it has not sent;
 * - bytes flushed by one in-process socket that its in-process peer has not read yet;
 * - a FIN sent by one in-process socket that its peer has not received;
 * - a connect to an in-process listener that the listener has not accepted yet.
 * What a peer's application holds (its buffer full, or a FIN it has not read) is not in flight:
 * it moves when the application reads, which takes a timer or an event, never real time.
 * It never adds 'data' listeners (that would change the sockets' flow mode); progress is read
 * from the sockets' byte counters instead.
 */
export class IoTracker {
  private readonly sockets = new Map<net.Socket, Side>();
  /** "local|remote" of each connection -> socket; a socket's peer is the one registered as "remote|local". */
  private readonly endpoints = new Map<string, net.Socket>();
  /** Each registered socket's "remote|local": its peer's key, built once (a settle round looks up every socket's peer). */
  private readonly peerKeys = new Map<net.Socket, string>();
  private readonly sources = new Set<IoSource>();
  private closes = 0;
  private started = false;

  private readonly onClient = (msg: unknown) => this.track((msg as { socket: net.Socket }).socket, 'client');
  private readonly onServer = (msg: unknown) => this.track((msg as { socket: net.Socket }).socket, 'server');
  /**
   * fetch (undici) spends several event-loop turns before its socket exists and after its body is
   * read; its own diagnostics channels bracket each request, so a request in progress counts as busy.
   */
  private readonly requests = new Set<object>();
  private readonly onRequestStart = (msg: unknown) => this.requests.add((msg as { request: object }).request);
  private readonly onRequestEnd = (msg: unknown) => {
    if (this.requests.delete((msg as { request: object }).request)) this.closes++;
  };

  start(): void {
    if (this.started) return;
    this.started = true;
    dc.subscribe('net.client.socket', this.onClient);
    dc.subscribe('net.server.socket', this.onServer);
    dc.subscribe('undici:request:create', this.onRequestStart);
    for (const end of REQUEST_ENDS) dc.subscribe(end, this.onRequestEnd);
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    dc.unsubscribe('net.client.socket', this.onClient);
    dc.unsubscribe('net.server.socket', this.onServer);
    dc.unsubscribe('undici:request:create', this.onRequestStart);
    for (const end of REQUEST_ENDS) dc.unsubscribe(end, this.onRequestEnd);
    this.requests.clear();
    this.sockets.clear();
    this.endpoints.clear();
    this.peerKeys.clear();
    this.sources.clear();
  }

  addSource(source: IoSource): () => void {
    this.sources.add(source);
    return () => this.sources.delete(source);
  }

  /** A source (not a socket) still has work in flight: in-process work off the event loop, such as WebCrypto. */
  sourcesBusy(): boolean {
    for (const src of this.sources) if (src.busy()) return true;
    return false;
  }

  /** Sockets currently open (for leak checks after a run). */
  openSockets(): net.Socket[] {
    return [...this.sockets.keys()].filter((s) => !s.destroyed);
  }

  /** A number that changes whenever any tracked socket or source moves. */
  progress(): number {
    let sum = this.closes + this.sockets.size;
    for (const s of this.sockets.keys()) sum += s.bytesRead + s.bytesWritten + (s.connecting ? 1 : 0);
    for (const src of this.sources) sum += src.progress();
    return sum;
  }

  /** Whether bytes or connections are still in flight (and what waits), and whether any in flight go out of process. */
  state(): IoState {
    let listening: Set<number> | undefined;
    let external = false;
    const waiting = (what: string): IoState => ({ busy: true, external, waiting: what });
    for (const [s, side] of this.sockets) {
      if (s.destroyed) continue;
      if (s.connecting) return waiting(`${describe(s, side)} is still connecting`);
      const peer = this.peerOf(s);
      const held = peer !== undefined && heldByReader(peer);
      if (s.writableLength > 0 && !held) return waiting(`${describe(s, side)} has ${bytes(s.writableLength)} not yet flushed to the kernel`);
      if (s.writableEnded && !s.writableFinished && !held) return waiting(`${describe(s, side)} has not finished sending its FIN`);
      if (peer) {
        if (peer.destroyed || held) continue;
        // node's HTTP server parses straight from the handle and leaves bytesRead behind; quiet rounds cover it
        const counted = !(peer as { parser?: unknown }).parser;
        if (counted && s.bytesWritten > peer.bytesRead) return waiting(`${describe(s, side)} wrote ${bytes(s.bytesWritten - peer.bytesRead)} its in-process peer has not read`);
        if (s.writableFinished && !eofReceived(peer)) return waiting(`${describe(s, side)} sent a FIN its in-process peer has not seen`);
        continue;
      }
      if (side === 'client' && s.remotePort !== undefined) {
        listening ??= listeningPorts();
        if (listening.has(s.remotePort)) return waiting(`${describe(s, side)} is connected to an in-process listener that has not accepted it`);
      }
      external = true;
    }
    if (this.requests.size > 0) return waiting(`${this.requests.size} HTTP request(s) (fetch) still in progress`);
    for (const src of this.sources) if (src.busy()) return waiting(`${src.name ?? 'an I/O source'} is busy`);
    return { busy: false, external };
  }

  private peerOf(s: net.Socket): net.Socket | undefined {
    const key = this.peerKeys.get(s) ?? (s.remoteAddress === undefined ? undefined : connectionKey(s.remoteAddress, s.remotePort, s.localAddress, s.localPort));
    return key === undefined ? undefined : this.endpoints.get(key);
  }

  private track(socket: net.Socket, side: Side): void {
    this.sockets.set(socket, side);
    // Nagle would hold small writes until the peer's delayed ACK (40-200 ms of real time), and the
    // settle loop waits for bytes in flight: it costs real time and never changes a virtual one.
    socket.setNoDelay(true);
    let key: string | undefined;
    const register = () => {
      if (socket.localAddress === undefined || socket.remoteAddress === undefined) return;
      key = connectionKey(socket.localAddress, socket.localPort, socket.remoteAddress, socket.remotePort);
      this.endpoints.set(key, socket);
      this.peerKeys.set(socket, connectionKey(socket.remoteAddress, socket.remotePort, socket.localAddress, socket.localPort));
    };
    if (side === 'server' || !socket.connecting) register();
    socket.once('connect', register);
    socket.once('close', () => {
      this.closes++;
      this.sockets.delete(socket);
      this.peerKeys.delete(socket);
      if (key !== undefined && this.endpoints.get(key) === socket) this.endpoints.delete(key);
    });
  }
}

/** The undici channels that end a request: its last byte arrived, or it failed. */
const REQUEST_ENDS = ['undici:request:trailers', 'undici:request:error'] as const;

/**
 * The application holds what reached this socket: its buffer is full (it paused the socket, or never
 * read), so node has stopped reading from the kernel (stream.push returned false) until someone reads.
 */
function heldByReader(socket: net.Socket): boolean {
  return socket.readableLength >= socket.readableHighWaterMark;
}

/** The peer's stream has read the FIN off the kernel ('end' then waits for node's queues or for a reader). */
function eofReceived(socket: net.Socket): boolean {
  return (socket as { _readableState?: { ended?: boolean } })._readableState?.ended === true;
}

/** Ports of the TCP listeners in this process. */
function listeningPorts(): Set<number> {
  const ports = new Set<number>();
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  for (const h of handles) {
    if (h instanceof net.Server && h.listening) {
      const addr = h.address();
      if (addr && typeof addr === 'object') ports.add(addr.port);
    }
  }
  return ports;
}

/**
 * A connection's 4-tuple as seen from one end. Accepted sockets all share their listener's local
 * address and port, so only the whole tuple tells them apart.
 */
function connectionKey(localAddress: string | undefined, localPort: number | undefined, remoteAddress: string | undefined, remotePort: number | undefined): string {
  return `${unmapped(localAddress)}:${localPort}|${unmapped(remoteAddress)}:${remotePort}`;
}

/**
 * An IPv4-mapped IPv6 address as the IPv4 address it maps (RFC 4291 section 2.5.5.2): a listener on
 * the default dual-stack address sees 127.0.0.1 as "::ffff:127.0.0.1", its client sees "127.0.0.1".
 */
export function unmapped(address: string | undefined): string | undefined {
  return address?.toLowerCase().startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

function bytes(n: number): string {
  return n === 1 ? '1 byte' : `${n} bytes`;
}

/** "client socket 127.0.0.1:40001 -> 127.0.0.1:40000": which end, and its addresses. */
function describe(s: net.Socket, side: Side): string {
  const local = s.localAddress === undefined ? 'unbound' : `${s.localAddress}:${s.localPort}`;
  const remote = s.remoteAddress === undefined ? 'not yet connected' : `${s.remoteAddress}:${s.remotePort}`;
  return `${side === 'client' ? 'client' : 'accepted'} socket ${local} -> ${remote}`;
}
