import type { Clock, TimerHandle } from '../../clock/clock.ts';
import { errnoException, type SimErrorCode } from '../errno.ts';
import type { Segment } from '../segment.ts';
import { ByteQueue } from './byte-queue.ts';
import { MSS_BYTES, RECEIVE_BUFFER_BYTES, RTO_INITIAL_MS, RTO_MIN_MS, SEND_BUFFER_BYTES, TCP_RETRIES2, TCP_SYN_RETRIES, TCP_SYNACK_RETRIES, retransmitBudgetMs } from './constants.ts';
import { KeepaliveTimer, keepaliveFromNode } from './keepalive.ts';
import { RtoEstimator } from './rto.ts';

export type TcpState =
  | 'SYN_SENT'
  | 'SYN_RECEIVED'
  | 'ESTABLISHED'
  | 'FIN_WAIT_1'
  | 'FIN_WAIT_2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT'
  | 'CLOSED';

export interface Endpoint {
  address: string;
  port: number;
}

/** What the connection tells the socket above it. */
export interface TcpUser {
  established(): void;
  /** In-order bytes for the application; false asks the connection to hold further bytes (window closes). */
  data(chunk: Buffer): boolean;
  /** The peer half-closed; every byte before its FIN was handed over. */
  fin(): void;
  /** The connection is gone with an error (reset, retransmission or keepalive timeout, refused). */
  failed(err: NodeJS.ErrnoException): void;
  /** The send queue has room again. */
  writable(): void;
}

/** What the connection needs from its host. */
export interface TcpHost {
  readonly clock: Clock;
  transmit(seg: Segment): void;
  /** The connection reached CLOSED: free its 4-tuple. */
  release(conn: TcpConnection): void;
}

/** TCP_TIMEWAIT_LEN, include/net/tcp.h: 60 s. */
const TIME_WAIT_MS = 60_000;

/**
 * One end of a TCP connection: the RFC 793 state machine with Linux's timers. Modelled: the
 * three-way handshake with SYN retries, a send queue bounded by the send buffer, the peer's
 * receive window (a reader that stops closes it), RTO retransmission with exponential backoff and
 * Linux's give-up budget, zero-window probes, keepalive, FIN in both directions with half-close,
 * RST in and out. Not modelled: congestion control (the window is the only limit), SACK and
 * out-of-order queues (a segment past a gap is dropped and re-sent), Nagle and delayed ACKs
 * (every segment is acknowledged at once, as with TCP_NODELAY and quickack).
 */
export class TcpConnection {
  state: TcpState;
  user: TcpUser | undefined;

  // send side
  private readonly iss: number;
  private sndUna: number;
  private sndNxt: number;
  private sndWnd = RECEIVE_BUFFER_BYTES;
  /** Bytes from sndUna on: sent-but-unacknowledged first, then not yet sent. */
  private readonly sendQueue = new ByteQueue();
  private finQueued = false;
  private finSeq: number | undefined;

  // receive side
  private rcvNxt = 0;
  private readonly held = new ByteQueue();
  private reading = true;
  private peerFinPending = false;
  private lastAdvertised = RECEIVE_BUFFER_BYTES;
  private lastReceived: number;
  /** The application closed its socket: data that still arrives gets an RST (tcp_rcv_state_process). */
  private orphaned = false;

  // timers
  private readonly rto = new RtoEstimator();
  private rtxTimer: TimerHandle | undefined;
  private persistTimer: TimerHandle | undefined;
  private timeWaitTimer: TimerHandle | undefined;
  private keepalive: KeepaliveTimer | undefined;
  /** When the oldest unacknowledged transmission was first sent (Linux's retrans_stamp). */
  private firstUnackedAt: number | undefined;
  /** One timed segment at a time, never a retransmitted one (Karn's rule). */
  private timed: { seq: number; at: number } | undefined;

  constructor(
    private readonly host: TcpHost,
    readonly local: Endpoint,
    readonly remote: Endpoint,
    iss: number,
    state: 'SYN_SENT' | 'SYN_RECEIVED',
  ) {
    this.iss = iss;
    this.sndUna = iss;
    this.sndNxt = iss + 1;
    this.state = state;
    this.lastReceived = host.clock.now();
  }

  get clock(): Clock {
    return this.host.clock;
  }

  /** Active open: sends the SYN. */
  open(): void {
    this.firstUnackedAt = this.clock.now();
    this.timed = { seq: this.iss, at: this.clock.now() };
    this.emit({ syn: true, seq: this.iss });
    this.armRetransmit();
  }

  /** Passive open, from a listener: answers the peer's SYN with SYN|ACK. */
  acceptSyn(syn: Segment): void {
    this.rcvNxt = syn.seq + 1;
    this.sndWnd = syn.wnd;
    this.firstUnackedAt = this.clock.now();
    this.timed = { seq: this.iss, at: this.clock.now() };
    this.emit({ syn: true, ack: true, seq: this.iss });
    this.armRetransmit();
  }

  /** Bytes the application may still queue before its writes are held back. */
  sendSpace(): number {
    return SEND_BUFFER_BYTES - this.sendQueue.length;
  }

  /** Queues bytes for sending. */
  write(chunk: Buffer): void {
    this.sendQueue.push(chunk);
    this.pump();
  }

  /** The application's end(): a FIN after the queued bytes. */
  shutdown(): void {
    if (this.finQueued || this.state === 'CLOSED') return;
    this.finQueued = true;
    this.pump();
  }

  /** The application stopped reading: bytes are held here and the window shrinks. */
  pause(): void {
    this.reading = false;
  }

  /** The application reads again: held bytes go up, and the peer hears the window reopen. */
  resume(): void {
    this.reading = true;
    while (this.reading && this.held.length > 0) {
      const chunks = this.held.shiftAll();
      for (let i = 0; i < chunks.length; i++) {
        if (!this.user!.data(chunks[i]!)) {
          this.reading = false;
          for (const rest of chunks.slice(i + 1)) this.held.push(rest);
          break;
        }
      }
    }
    if (this.reading && this.peerFinPending) {
      this.peerFinPending = false;
      this.user?.fin();
    }
    // Window update once it has opened by a segment's worth (tcp_cleanup_rbuf()).
    if (this.window() - this.lastAdvertised >= MSS_BYTES && this.state !== 'CLOSED') this.sendAck();
  }

  /**
   * The application closed the socket (destroy without waiting). As Linux's tcp_close(): with
   * unread bytes the peer gets an RST; otherwise a FIN follows the queued bytes and the
   * connection lives on, orphaned, until the handshake ends.
   */
  abandon(): void {
    if (this.state === 'CLOSED') return;
    this.user = undefined;
    this.orphaned = true;
    if (this.held.length > 0 || this.state === 'SYN_SENT') return this.reset();
    this.shutdown();
  }

  /** The host lost its memory of this connection: no packet, no callback, no timer, ever again. */
  vanish(): void {
    this.user = undefined;
    this.state = 'CLOSED';
    this.stopTimers();
    this.clock.clearTimeout(this.timeWaitTimer);
  }

  /**
   * The kernel kills the socket under its application (Linux tcp_abort(), net/ipv4/tcp.c, as
   * `ss -K` does): the peer gets an RST, the application ECONNABORTED.
   */
  abort(): void {
    if (this.state === 'CLOSED') return;
    if (this.state !== 'SYN_SENT') this.emit({ rst: true, ack: true, seq: this.sndNxt });
    this.fail('ECONNABORTED', 'read');
  }

  /** resetAndDestroy(): an RST now, whatever is queued. */
  reset(): void {
    if (this.state === 'CLOSED') return;
    if (this.state !== 'SYN_SENT') this.emit({ rst: true, ack: true, seq: this.sndNxt });
    this.close();
  }

  setKeepAlive(enable: boolean, initialDelayMs: number): void {
    this.keepalive?.stop();
    this.keepalive = undefined;
    if (!enable || this.state === 'CLOSED') return;
    this.keepalive = new KeepaliveTimer(this.clock, keepaliveFromNode(initialDelayMs), {
      lastReceivedAt: () => this.lastReceived,
      hasOutstanding: () => this.sndNxt > this.sndUna || this.sendQueue.length > this.inFlight(),
      // A segment one byte before snd.una: the peer must answer with an ACK (tcp_write_wakeup()).
      sendProbe: () => this.emit({ ack: true, seq: this.sndUna - 1 }),
      timedOut: () => this.fail('ETIMEDOUT', 'read'),
    });
  }

  /**
   * A new SYN for this 4-tuple while it waits in TIME_WAIT may open a new connection: Linux lets
   * a listener take it when its sequence number is past the old connection's
   * (tcp_timewait_state_process(), TCP_TW_SYN). The TIME_WAIT ends here.
   */
  yieldsTo(seg: Segment): boolean {
    if (this.state !== 'TIME_WAIT' || !seg.syn || seg.ack || seg.seq <= this.rcvNxt) return false;
    this.close();
    return true;
  }

  /** A segment for this connection arrived. */
  receive(seg: Segment): void {
    this.lastReceived = this.clock.now();
    this.keepalive?.heard();
    if (seg.rst) return this.onReset();
    if (this.state === 'SYN_SENT') return this.onSynAck(seg);
    if (seg.syn) {
      // A retransmitted SYN or SYN|ACK: our answer was lost; answer again.
      if (this.state === 'SYN_RECEIVED') return this.emit({ syn: true, ack: true, seq: this.iss });
      return this.sendAck();
    }
    if (seg.ack) this.onAck(seg);
    if (this.state === 'CLOSED') return;
    const length = seg.data?.length ?? 0;
    if (length > 0) this.onData(seg);
    if (seg.fin && seg.seq + length === this.rcvNxt) this.onFin();
    else if (length === 0 && seg.seq < this.rcvNxt && !seg.fin) this.sendAck(); // a keepalive or window probe
  }

  // --- receiving

  private onSynAck(seg: Segment): void {
    // An ACK for something this SYN never sent (the peer's TIME_WAIT answering an old 4-tuple)
    // is answered with an RST and dropped; the SYN's own retransmission tries again
    // (RFC 793 p. 66; tcp_rcv_synsent_state_process(), "reset_and_undo").
    if (seg.ack && seg.ackNo !== this.iss + 1) return this.host.transmit({ src: this.local.address, sport: this.local.port, dst: this.remote.address, dport: this.remote.port, seq: seg.ackNo, ackNo: 0, wnd: 0, rst: true });
    if (!seg.syn || !seg.ack) return;
    this.rcvNxt = seg.seq + 1;
    this.sndWnd = seg.wnd;
    this.acknowledge(seg.ackNo);
    this.state = 'ESTABLISHED';
    this.sendAck();
    this.user?.established();
    this.pump();
  }

  private onAck(seg: Segment): void {
    if (this.state === 'SYN_RECEIVED') {
      if (seg.ackNo !== this.iss + 1) return;
      this.acknowledge(seg.ackNo);
      this.state = 'ESTABLISHED';
      this.sndWnd = seg.wnd;
      this.user?.established();
      return;
    }
    const windowWasShut = this.sndWnd === 0;
    if (seg.ackNo > this.sndUna && seg.ackNo <= this.sndNxt) this.acknowledge(seg.ackNo);
    this.sndWnd = seg.wnd;
    if (this.finSeq !== undefined && this.sndUna > this.finSeq) this.onFinAcked();
    if (this.state === 'CLOSED') return;
    if (windowWasShut && this.sndWnd > 0) this.stopPersist();
    this.pump();
  }

  private acknowledge(ackNo: number): void {
    if (this.timed && ackNo > this.timed.seq) {
      this.rto.sample(this.clock.now() - this.timed.at);
      this.timed = undefined;
    }
    const dataAcked = Math.min(ackNo, this.finSeq ?? Number.POSITIVE_INFINITY) - Math.max(this.sndUna, this.iss + 1);
    if (dataAcked > 0) this.sendQueue.drop(dataAcked);
    this.sndUna = ackNo;
    this.rto.reset();
    this.clock.clearTimeout(this.rtxTimer);
    this.rtxTimer = undefined;
    if (this.sndUna < this.sndNxt) {
      this.firstUnackedAt = this.clock.now();
      this.armRetransmit();
    } else {
      this.firstUnackedAt = undefined;
    }
    if (dataAcked > 0 && this.sendSpace() > 0) this.user?.writable();
  }

  private onData(seg: Segment): void {
    const data = seg.data!;
    if (this.orphaned || this.state === 'CLOSE_WAIT' || this.state === 'LAST_ACK' || this.state === 'CLOSING' || this.state === 'TIME_WAIT') {
      // Bytes after the application closed, or after the peer's own FIN: Linux answers with an RST.
      if (this.orphaned && seg.seq + data.length > this.rcvNxt) return this.reset();
      return this.sendAck();
    }
    if (seg.seq > this.rcvNxt) return this.sendAck(); // past a gap: dropped, the duplicate ACK asks again
    const skip = this.rcvNxt - seg.seq;
    const room = this.window();
    // All of it new (the usual case): the segment's own buffer, no view to allocate.
    const fresh = skip === 0 && room >= data.length ? data : data.subarray(skip, skip + room);
    if (fresh.length > 0) {
      this.rcvNxt += fresh.length;
      this.deliver(fresh);
    }
    if (!(seg.fin && skip + room >= data.length)) this.sendAck();
  }

  private deliver(chunk: Buffer): void {
    if (this.reading && this.held.length === 0 && this.user) {
      if (!this.user.data(chunk)) this.reading = false;
    } else {
      this.held.push(chunk);
    }
  }

  private onFin(): void {
    if (this.state !== 'ESTABLISHED' && this.state !== 'FIN_WAIT_1' && this.state !== 'FIN_WAIT_2') return this.sendAck();
    this.rcvNxt += 1;
    if (this.state === 'ESTABLISHED') this.state = 'CLOSE_WAIT';
    else if (this.state === 'FIN_WAIT_1') this.state = 'CLOSING';
    else this.enterTimeWait();
    this.sendAck();
    if (this.held.length > 0 || !this.reading) this.peerFinPending = true;
    else this.user?.fin();
  }

  private onFinAcked(): void {
    if (this.state === 'FIN_WAIT_1') this.state = 'FIN_WAIT_2';
    else if (this.state === 'CLOSING') this.enterTimeWait();
    else if (this.state === 'LAST_ACK') this.close();
  }

  /** tcp_reset(), net/ipv4/tcp_input.c: ECONNREFUSED in SYN_SENT, EPIPE in CLOSE_WAIT, else ECONNRESET. */
  private onReset(): void {
    if (this.state === 'TIME_WAIT') return this.close();
    const code: SimErrorCode = this.state === 'SYN_SENT' ? 'ECONNREFUSED' : this.state === 'CLOSE_WAIT' ? 'EPIPE' : 'ECONNRESET';
    this.fail(code, this.state === 'SYN_SENT' ? 'connect' : code === 'EPIPE' ? 'write' : 'read');
  }

  // --- sending

  private inFlight(): number {
    return Math.max(0, this.sndNxt - Math.max(this.sndUna, this.iss + 1) - (this.finSeq !== undefined && this.sndNxt > this.finSeq ? 1 : 0));
  }

  /** Sends what the peer's window allows, then the FIN once every byte is out. */
  private pump(): void {
    if (this.state !== 'ESTABLISHED' && this.state !== 'CLOSE_WAIT') return;
    for (;;) {
      const sent = this.inFlight();
      const unsent = this.sendQueue.length - sent;
      const room = this.sndUna + this.sndWnd - this.sndNxt;
      if (unsent <= 0 || room <= 0) break;
      const n = Math.min(unsent, room, MSS_BYTES);
      const data = this.sendQueue.peek(sent, n);
      this.transmitData(this.sndNxt, data);
      this.sndNxt += n;
    }
    if (this.sendQueue.length > this.inFlight() && this.sndWnd === 0 && this.rtxTimer === undefined) this.armPersist();
    if (this.finQueued && this.finSeq === undefined && this.sendQueue.length === this.inFlight()) {
      this.finSeq = this.sndNxt;
      this.transmitFin();
      this.sndNxt += 1;
      this.state = this.state === 'ESTABLISHED' ? 'FIN_WAIT_1' : 'LAST_ACK';
    }
  }

  private transmitData(seq: number, data: Buffer): void {
    if (this.firstUnackedAt === undefined) this.firstUnackedAt = this.clock.now();
    if (!this.timed) this.timed = { seq, at: this.clock.now() };
    this.emit({ ack: true, seq, data });
    if (this.rtxTimer === undefined) this.armRetransmit();
  }

  private transmitFin(): void {
    if (this.firstUnackedAt === undefined) this.firstUnackedAt = this.clock.now();
    this.emit({ fin: true, ack: true, seq: this.finSeq! });
    if (this.rtxTimer === undefined) this.armRetransmit();
  }

  private armRetransmit(): void {
    this.clock.clearTimeout(this.rtxTimer);
    this.rtxTimer = this.clock.setTimeout(() => this.onRetransmitTimeout(), this.rto.current());
  }

  /** tcp_retransmit_timer(): give up past the budget, else resend the oldest segment and back off. */
  private onRetransmitTimeout(): void {
    this.rtxTimer = undefined;
    const handshaking = this.state === 'SYN_SENT' || this.state === 'SYN_RECEIVED';
    const budget = handshaking
      ? retransmitBudgetMs(this.state === 'SYN_SENT' ? TCP_SYN_RETRIES : TCP_SYNACK_RETRIES, RTO_INITIAL_MS)
      : retransmitBudgetMs(TCP_RETRIES2, RTO_MIN_MS);
    if (this.clock.now() - (this.firstUnackedAt ?? this.clock.now()) >= budget) {
      if (this.state === 'SYN_RECEIVED') return this.close(); // the listener forgets a half-open request quietly
      return this.fail('ETIMEDOUT', this.state === 'SYN_SENT' ? 'connect' : 'read');
    }
    this.timed = undefined;
    this.rto.back();
    if (this.state === 'SYN_SENT') this.emit({ syn: true, seq: this.iss });
    else if (this.state === 'SYN_RECEIVED') this.emit({ syn: true, ack: true, seq: this.iss });
    else this.retransmitOutstanding();
    this.armRetransmit();
  }

  /**
   * Everything sent and not acknowledged goes again, in order: Linux marks it all lost after an
   * RTO (tcp_enter_loss()); with no congestion window to grow, it is resent at once.
   */
  private retransmitOutstanding(): void {
    const outstanding = this.inFlight();
    for (let offset = 0; offset < outstanding; offset += MSS_BYTES) {
      this.emit({ ack: true, seq: this.sndUna + offset, data: this.sendQueue.peek(offset, Math.min(MSS_BYTES, outstanding - offset)) });
    }
    if (this.finSeq !== undefined && this.sndUna <= this.finSeq) this.emit({ fin: true, ack: true, seq: this.finSeq });
  }

  /** Zero-window probes (tcp_probe_timer()): the peer's window update may have been lost. */
  private armPersist(): void {
    if (this.persistTimer !== undefined) return;
    this.persistTimer = this.clock.setTimeout(() => {
      this.persistTimer = undefined;
      if (this.state === 'CLOSED' || this.sndWnd > 0) return;
      this.rto.back();
      this.emit({ ack: true, seq: this.sndUna - 1 });
      this.armPersist();
    }, this.rto.current());
  }

  private stopPersist(): void {
    this.clock.clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    this.rto.reset();
  }

  private window(): number {
    return Math.max(0, RECEIVE_BUFFER_BYTES - this.held.length);
  }

  private sendAck(): void {
    if (this.state === 'CLOSED') return;
    this.emit({ ack: true, seq: this.sndNxt });
  }

  private emit(fields: Omit<Segment, 'src' | 'sport' | 'dst' | 'dport' | 'wnd' | 'ackNo'>): void {
    const wnd = this.window();
    this.lastAdvertised = wnd;
    // Every field named, in one order: segments of one shape keep the code that reads them fast.
    this.host.transmit({
      src: this.local.address,
      sport: this.local.port,
      dst: this.remote.address,
      dport: this.remote.port,
      seq: fields.seq,
      ackNo: fields.ack ? this.rcvNxt : 0,
      wnd,
      syn: fields.syn,
      ack: fields.ack,
      fin: fields.fin,
      rst: fields.rst,
      data: fields.data,
    });
  }

  // --- ending

  private enterTimeWait(): void {
    this.state = 'TIME_WAIT';
    this.stopTimers();
    this.timeWaitTimer = this.clock.setTimeout(() => this.close(), TIME_WAIT_MS);
  }

  private fail(code: SimErrorCode, syscall: string): void {
    const user = this.user;
    const err = syscall === 'connect' ? errnoException(code, syscall, this.remote.address, this.remote.port) : errnoException(code, syscall);
    this.close();
    user?.failed(err);
  }

  private stopTimers(): void {
    this.clock.clearTimeout(this.rtxTimer);
    this.clock.clearTimeout(this.persistTimer);
    this.rtxTimer = this.persistTimer = undefined;
    this.keepalive?.stop();
    this.keepalive = undefined;
  }

  private close(): void {
    if (this.state === 'CLOSED') return;
    this.state = 'CLOSED';
    this.stopTimers();
    this.clock.clearTimeout(this.timeWaitTimer);
    this.host.release(this);
  }
}
