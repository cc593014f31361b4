import type { Clock, TimerHandle } from '../clock/clock.ts';
import type { TcpConnection } from './tcp/connection.ts';

/**
 * How fast a server takes on new connections: what a herd of reconnects costs it. Every field is
 * optional; one left out sets no limit of its own.
 */
export interface ServerCapacity {
  /**
   * Connections the listener holds for its application: handshakes in progress and established
   * ones not yet accepted. A SYN beyond it is dropped, as Linux's tcp_conn_request() drops one when
   * sk_acceptq_is_full(); the client retries on its SYN timer. Default: the listener's own
   * backlog (what the server passed to listen(), node's default 511).
   */
  backlog?: number;
  /** The most connections the application takes off the accept queue in one second. */
  acceptsPerSecond?: number;
  /**
   * The server's own work on each connection before its application sees it (a TLS handshake, an
   * authentication), one connection at a time as on one event loop: it delays every connection and
   * caps the rate at 1 s / handshake.
   */
  handshakeMs?: number;
}

/** Who takes a connection off the queue: a host's listener. */
export interface Acceptor {
  accept(conn: TcpConnection): void;
}

interface Waiting {
  conn: TcpConnection;
  listener: Acceptor;
}

/**
 * One listening port's accept queue under a capacity: established connections wait in arrival
 * order and the application takes them one at a time, no sooner than the rate and the handshake
 * cost allow. Without a capacity a host hands connections over the instant they are established.
 *
 * Linux's listen-overflow ACK drop (tcp_check_req() when the queue filled during a handshake) does
 * not happen here: a handshake in progress holds its place in the backlog, so its SYN is the one
 * dropped instead.
 */
export class AcceptQueue {
  private readonly waiting: Waiting[] = [];
  private head = 0;
  private timer: TimerHandle | undefined;
  /** When the application can take the next connection. */
  private freeAt = Number.NEGATIVE_INFINITY;
  /** The application's time per connection taken. */
  private readonly costMs: number;
  private readonly handshakes = new Set<TimerHandle>();

  constructor(
    private readonly clock: Clock,
    readonly capacity: ServerCapacity,
  ) {
    this.costMs = Math.max(capacity.handshakeMs ?? 0, capacity.acceptsPerSecond ? 1000 / capacity.acceptsPerSecond : 0);
  }

  /** Connections established and not yet taken by the application. */
  get length(): number {
    return this.waiting.length - this.head;
  }

  /** An established connection joins the queue; `listener` hands it to the application once taken. */
  push(conn: TcpConnection, listener: Acceptor): void {
    this.waiting.push({ conn, listener });
    this.drain();
  }

  /**
   * The listener closed: what still waits for it is reset, as Linux's inet_csk_listen_stop()
   * disconnects every child left in the accept queue. Handshakes under way reach the closed
   * listener, which resets them.
   */
  resetWaiting(listener: Acceptor): void {
    // compacted in place: a copy spread back in (push(...kept)) is an argument per connection, past the stack for a fleet's queue
    let kept = 0;
    for (let i = this.head; i < this.waiting.length; i++) {
      const w = this.waiting[i]!;
      if (w.listener === listener) w.conn.reset();
      else this.waiting[kept++] = w;
    }
    this.waiting.length = kept;
    this.head = 0;
    // the application that was busy is gone: a server listening again starts with a free hand
    if (kept === 0) this.freeAt = Number.NEGATIVE_INFINITY;
  }

  /** The host forgot everything: no connection waits, no handshake ends. */
  clear(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const handle of this.handshakes) this.clock.clearTimeout(handle);
    this.handshakes.clear();
    this.waiting.length = 0;
    this.head = 0;
    this.freeAt = Number.NEGATIVE_INFINITY;
  }

  /** Takes what the application can take now, then waits for the next one's turn. */
  private drain(): void {
    while (this.length > 0 && this.freeAt <= this.clock.now()) this.take(this.shift());
    if (this.length === 0 || this.timer !== undefined) return;
    // whole milliseconds, as the clock counts; freeAt keeps the fraction, so the rate holds
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.drain();
    }, Math.ceil(this.freeAt - this.clock.now()));
  }

  private shift(): Waiting {
    const next = this.waiting[this.head]!;
    this.waiting[this.head++] = undefined as unknown as Waiting;
    if (this.head > 1024 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
    return next;
  }

  private take({ conn, listener }: Waiting): void {
    // A connection reset while it waited costs the application nothing.
    if (conn.state === 'CLOSED') return;
    const now = this.clock.now();
    // Busy since its last turn: the next turn follows on from it, fraction of a millisecond included.
    this.freeAt = (this.freeAt > now - 1 ? this.freeAt : now) + this.costMs;
    const handshakeMs = this.capacity.handshakeMs ?? 0;
    if (handshakeMs === 0) return listener.accept(conn);
    const handle = this.clock.setTimeout(() => {
      this.handshakes.delete(handle);
      if (conn.state !== 'CLOSED') listener.accept(conn);
    }, handshakeMs);
    this.handshakes.add(handle);
  }
}
