import net from 'node:net';
import type { TimerHandle } from '../clock/clock.ts';
import { FlatlineError } from '../util/errors.ts';
import { errnoException } from './errno.ts';
import { WILDCARDS, isLoopback, type Host } from './host.ts';
import type { SimNetwork } from './network.ts';
import type { TcpConnection, TcpUser } from './tcp/connection.ts';

const kSim = Symbol('flatline.sim');

interface SimState {
  network: SimNetwork;
  host: Host;
  conn: TcpConnection | undefined;
  bytesRead: number;
  bytesWritten: number;
  /** The write callback held back while the send queue is full. */
  heldWrite: (() => void) | undefined;
  keepAlive: { enable: boolean; delayMs: number } | undefined;
  timeoutMs: number;
  timeoutTimer: TimerHandle | undefined;
  /** The peer reset the connection while the application was not reading: the next call hears it. */
  resetPending: boolean;
}

type ConnectOptions = { host?: string; port?: number | string; path?: string; localAddress?: string };
type Normalized = [ConnectOptions, ((...a: unknown[]) => void) | null];
const normalizeArgs = (net as unknown as { _normalizeArgs(args: unknown[]): Normalized })._normalizeArgs;

/**
 * A net.Socket whose bytes travel over the simulated network. It is a real net.Socket subclass
 * (instanceof holds, streams, events and error objects are node's own); only the parts that touch
 * a kernel handle are replaced: connect, read, write, end, destroy, reset, addresses, counters,
 * keepalive and the idle timeout (which runs on the world's clock, as node's own would not).
 */
export class SimSocket extends net.Socket {
  declare [kSim]: SimState;

  /** Turns a plain net.Socket (made by net.connect or `new net.Socket()`) into a sim socket. */
  static adopt(socket: net.Socket, network: SimNetwork, host: Host): SimSocket {
    // The state goes on before the prototype changes: V8 keeps no transitions from a map it made
    // for Object.setPrototypeOf, so a property added after it gives the object a hidden class of
    // its own (about 900 bytes per client socket, and megamorphic code for every socket).
    const sim = socket as SimSocket;
    sim[kSim] = newState(network, host);
    Object.setPrototypeOf(sim, SimSocket.prototype);
    return sim;
  }

  /** The socket a listener hands to its server for an accepted connection. */
  static accepted(network: SimNetwork, host: Host, conn: TcpConnection, server: net.Server): SimSocket {
    const s = server as net.Server & { allowHalfOpen: boolean; pauseOnConnect: boolean; highWaterMark?: number };
    const socket = new SimSocket({ allowHalfOpen: s.allowHalfOpen, readableHighWaterMark: s.highWaterMark, writableHighWaterMark: s.highWaterMark } as net.SocketConstructorOpts);
    socket[kSim] = newState(network, host);
    socket.attach(conn);
    if (s.pauseOnConnect) socket.pause();
    return socket;
  }

  get simConnection(): TcpConnection | undefined {
    return this[kSim].conn;
  }

  override connect(...args: unknown[]): this {
    const [options, cb] = Array.isArray(args[0]) ? (args[0] as unknown as Normalized) : normalizeArgs(args);
    if (cb) this.once('connect', cb);
    if (options.path) {
      throw new FlatlineError('FLATLINE_ERR_CONFIG', `the simulated network has no unix sockets (connect to path "${options.path}"); use TCP, or run this world with --network kernel`);
    }
    const state = this[kSim];
    const hostname = options.host ?? 'localhost';
    const port = Number(options.port);
    this.setConnecting(true);
    const address = state.network.resolve(hostname);
    if (address === undefined) {
      const err = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { errno: -3008, code: 'ENOTFOUND', syscall: 'getaddrinfo', hostname });
      process.nextTick(() => this.destroy(err));
      return this;
    }
    if (options.localAddress && !WILDCARDS.has(options.localAddress) && !isLoopback(options.localAddress)) {
      // The socket lives on the host that owns its local address.
      const own = state.network.host(options.localAddress);
      if (!own) {
        process.nextTick(() => this.destroy(errnoException('EADDRNOTAVAIL', 'bind', options.localAddress)));
        return this;
      }
      state.host = own;
    }
    if (!state.network.reachable(address, state.host)) {
      process.nextTick(() => this.destroy(errnoException('EHOSTUNREACH', 'connect', address, port)));
      return this;
    }
    const conn = state.host.connect({ address, port }, options.localAddress);
    this.attach(conn);
    conn.open();
    return this;
  }

  /** net.Socket's `connecting` is public state its own code sets; so does the sim's. */
  private setConnecting(value: boolean): void {
    (this as { connecting: boolean }).connecting = value;
  }

  /** Binds this socket to its connection: the connection's news becomes the stream's. */
  private attach(conn: TcpConnection): void {
    const state = this[kSim];
    state.conn = conn;
    const user: TcpUser = {
      established: () => {
        this.setConnecting(false);
        if (state.keepAlive) conn.setKeepAlive(state.keepAlive.enable, state.keepAlive.delayMs);
        this._unrefTimer();
        this.emit('connect');
        this.emit('ready');
      },
      data: (chunk) => {
        state.bytesRead += chunk.length;
        this._unrefTimer();
        return this.push(chunk);
      },
      fin: () => {
        this.push(null);
      },
      failed: (err) => {
        this.setConnecting(false);
        // libuv reports a reset through a read; a socket that is not reading hears of it when it
        // next writes (EPIPE, as write(2) says after an RST) or reads again (ECONNRESET).
        if (err.code === 'ECONNRESET' && this.isPaused()) {
          state.resetPending = true;
          return;
        }
        this.destroy(err);
      },
      writable: () => {
        const held = state.heldWrite;
        state.heldWrite = undefined;
        held?.();
      },
    };
    conn.user = user;
  }

  override _read(): void {
    if (this[kSim].resetPending) return void this.destroy(errnoException('ECONNRESET', 'read'));
    if (!this.connecting) this[kSim].conn?.resume();
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.connecting) {
      this.once('connect', () => this._write(chunk, encoding, cb));
      return;
    }
    const state = this[kSim];
    const conn = state.conn;
    if (!conn || conn.state === 'CLOSED' || state.resetPending) return cb(errnoException('EPIPE', 'write'));
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    state.bytesWritten += buf.length;
    this._unrefTimer();
    conn.write(buf);
    if (conn.sendSpace() > 0) cb();
    else state.heldWrite = () => cb();
  }

  override _writev(chunks: { chunk: Buffer | string; encoding: BufferEncoding }[], cb: (err?: Error | null) => void): void {
    const bufs = chunks.map(({ chunk, encoding }) => (typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk));
    this._write(Buffer.concat(bufs), 'utf8', cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.connecting) {
      this.once('connect', () => this._final(cb));
      return;
    }
    this[kSim].conn?.shutdown();
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    const state = this[kSim];
    this.setConnecting(false);
    state.host.clock.clearTimeout(state.timeoutTimer);
    state.timeoutTimer = undefined;
    state.conn?.abandon();
    state.heldWrite = undefined;
    cb(err);
    process.nextTick(() => this.emit('close', Boolean(err)));
    const server = (this as unknown as { _server: (net.Server & { _connections: number; _emitCloseIfDrained?: () => void }) | null })._server;
    if (server) {
      server._connections--;
      server._emitCloseIfDrained?.();
    }
  }

  override resetAndDestroy(): this {
    this[kSim].conn?.reset();
    this.destroy();
    return this;
  }

  override setKeepAlive(enable = false, initialDelay = 0): this {
    const state = this[kSim];
    state.keepAlive = { enable, delayMs: initialDelay };
    if (state.conn && !this.connecting) state.conn.setKeepAlive(enable, initialDelay);
    return this;
  }

  override setNoDelay(): this {
    return this; // no Nagle in the sim: every write is sent at once
  }

  /** node's idle timeout, on the world's clock (node's own uses an internal timer fake-timers cannot see). */
  override setTimeout(ms: number, cb?: () => void): this {
    const state = this[kSim];
    state.timeoutMs = ms;
    if (cb) {
      if (ms === 0) this.removeListener('timeout', cb);
      else this.once('timeout', cb);
    }
    this._unrefTimer();
    return this;
  }

  _unrefTimer(): void {
    const state = this[kSim];
    if (!state) return;
    state.host.clock.clearTimeout(state.timeoutTimer);
    state.timeoutTimer = state.timeoutMs > 0 && !this.destroyed ? state.host.clock.setTimeout(() => this.emit('timeout'), state.timeoutMs) : undefined;
  }

  override ref(): this {
    return this;
  }

  override unref(): this {
    return this;
  }

  override address(): net.AddressInfo | Record<string, never> {
    return this._getsockname();
  }

  _getsockname(): net.AddressInfo | Record<string, never> {
    const conn = this[kSim]?.conn;
    return conn ? { address: conn.local.address, family: 'IPv4', port: conn.local.port } : {};
  }

  _getpeername(): net.AddressInfo | Record<string, never> {
    const conn = this[kSim]?.conn;
    return conn && !this.connecting ? { address: conn.remote.address, family: 'IPv4', port: conn.remote.port } : {};
  }
}

function newState(network: SimNetwork, host: Host): SimState {
  return { network, host, conn: undefined, bytesRead: 0, bytesWritten: 0, heldWrite: undefined, keepAlive: undefined, timeoutMs: 0, timeoutTimer: undefined, resetPending: false };
}

// net.Socket defines these as getters reading its kernel handle; the subclass answers from the sim.
const getters: Record<string, (this: SimSocket) => unknown> = {
  bytesRead() {
    return this[kSim].bytesRead;
  },
  _bytesDispatched() {
    return this[kSim].bytesWritten;
  },
  pending() {
    return this.connecting || !this[kSim].conn;
  },
  bufferSize() {
    return this.writableLength;
  },
};
for (const [name, get] of Object.entries(getters)) Object.defineProperty(SimSocket.prototype, name, { get, configurable: true, enumerable: true });

