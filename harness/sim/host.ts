import type { Clock } from '../clock/clock.ts';
import { AcceptQueue, type ServerCapacity } from './accept-queue.ts';
import type { SimNode } from './node.ts';
import { ConnectionTable } from './connection-table.ts';
import { errnoException } from './errno.ts';
import { segmentLength, type Segment } from './segment.ts';
import { EPHEMERAL_PORT_FIRST, EPHEMERAL_PORT_LAST } from './tcp/constants.ts';
import { TcpConnection, type Endpoint, type TcpHost } from './tcp/connection.ts';

/** A listening socket's end in the host: takes established connections off the accept queue. */
export interface HostListener {
  /** The address it is bound to: a host address, a loopback address, or a wildcard. */
  readonly address: string;
  readonly backlog: number;
  /** A connection finished its handshake and waits to be accepted. */
  accept(conn: TcpConnection): void;
}

/** How a listener that stopped accepting turns a SYN away (see Host.stopAccepting). */
export type DoorMode = 'refuse' | 'drop';

/**
 * A TCP port is 16 bits (RFC 793's header), and the connection table keys on that. node refuses
 * any other before a socket exists (ERR_SOCKET_BAD_PORT, validatePort() in
 * lib/internal/validators.js; listen names it options.port, connect Port), and so does the sim.
 */
function checkPort(port: number, name: 'Port' | 'options.port'): void {
  if (Number.isInteger(port) && port >= 0 && port <= 0xffff) return;
  throw Object.assign(new RangeError(`${name} should be >= 0 and < 65536. Received type number (${port}).`), { code: 'ERR_SOCKET_BAD_PORT' });
}

export const WILDCARDS = new Set(['0.0.0.0', '::', '']);
export const isLoopback = (address: string) => address === '::1' || address.startsWith('127.') || address === 'localhost' || address === '::ffff:127.0.0.1';

/**
 * A machine on the simulated network: one address, its loopback, its listening ports and its
 * connections by 4-tuple. It does what a kernel does with an arriving segment: hand it to its
 * connection, open one from a listener on a SYN, or answer RST when nothing owns it
 * (tcp_v4_send_reset()).
 */
export class Host implements TcpHost, SimNode {
  private readonly connections = new ConnectionTable();
  /** Made when the host first listens or limits a port: a fleet's client hosts never do. */
  private listening: ListeningPorts | undefined;
  private nextPort: number;
  private nextIss = 1_000;
  /** Local ports of connections this host opened. */
  private readonly ephemeral = new Set<number>();
  /** Nothing answers at this address for now (a virtual IP between a failover and its takeover). */
  private unanswered = false;

  constructor(
    readonly name: string,
    readonly address: string,
    readonly clock: Clock,
    private readonly send: (from: Host, seg: Segment) => void,
    firstPort = EPHEMERAL_PORT_FIRST,
  ) {
    this.nextPort = firstPort;
  }

  /** True when `address` names this host (its own address or its loopback). */
  owns(address: string): boolean {
    return address === this.address || isLoopback(address) || WILDCARDS.has(address);
  }

  transmit(seg: Segment): void {
    this.send(this, seg);
  }

  release(conn: TcpConnection): void {
    if (!this.connections.delete(conn)) return;
    if (!this.listening?.listeners.has(conn.local.port)) this.ephemeral.delete(conn.local.port);
  }

  listen(port: number, listener: HostListener): number {
    checkPort(port, 'options.port');
    const bound = port === 0 ? this.freePort() : port;
    const { listeners } = this.ports();
    const existing = listeners.get(bound) ?? [];
    if (existing.some((l) => l.address === listener.address || WILDCARDS.has(l.address) || WILDCARDS.has(listener.address))) {
      throw errnoException('EADDRINUSE', 'listen', listener.address || '::', bound);
    }
    listeners.set(bound, [...existing, listener]);
    return bound;
  }

  unlisten(port: number, listener: HostListener): void {
    if (!this.listening) return;
    const { listeners, acceptQueues } = this.listening;
    acceptQueues.get(port)?.resetWaiting(listener);
    const left = (listeners.get(port) ?? []).filter((l) => l !== listener);
    if (left.length > 0) listeners.set(port, left);
    else listeners.delete(port);
  }

  /**
   * The machine lost its state (a crash and reboot, a failover to a cold standby): every
   * connection and listener is forgotten without a packet, so the peers find out only when they
   * next send something and get an RST.
   */
  forget(): void {
    for (const conn of this.connections.values()) conn.vanish();
    this.connections.clear();
    this.ephemeral.clear();
    if (!this.listening) return;
    this.listening.listeners.clear();
    this.listening.pending.clear();
    for (const queue of this.listening.acceptQueues.values()) queue.clear();
  }

  /**
   * The server on `port` takes on connections no faster than `capacity` allows, for as long as
   * the host lives: it listens again after a restart under the same limits.
   */
  limitAccepts(port: number, capacity: ServerCapacity): void {
    this.ports().acceptQueues.set(port, new AcceptQueue(this.clock, capacity));
  }

  /**
   * The listener on `port` takes no new connections while its established ones live on.
   * `refuse`: as a closed listener, every SYN is answered RST (ECONNREFUSED one round trip later).
   * `drop`: as a full accept queue, every SYN is dropped (tcp_conn_request(), net/ipv4/tcp_input.c:
   * sk_acceptq_is_full() -> drop, with the default tcp_abort_on_overflow = 0), so the client
   * retries on its SYN timer until ETIMEDOUT.
   */
  stopAccepting(port: number, mode: DoorMode): void {
    this.ports().closedDoors.set(port, mode);
  }

  resumeAccepting(port: number): void {
    this.listening?.closedDoors.delete(port);
  }

  /**
   * While `on`, every segment that reaches the host vanishes with no answer, neither RST nor ACK:
   * the address of a dead primary before its standby takes it over, when no machine owns it.
   */
  goUnanswered(on: boolean): void {
    this.unanswered = on;
  }

  /**
   * Kills every connection on local `port` at once (`ss -K sport = :port`), or only those whose
   * peer `peer` picks (`ss -K sport = :port dst ADDR`): each peer gets an RST.
   */
  abortConnections(port: number, peer?: (remote: Endpoint) => boolean): number {
    const victims = [...this.connections.values()].filter((c) => c.local.port === port && (!peer || peer(c.remote)));
    for (const conn of victims) conn.abort();
    return victims.length;
  }

  /** Opens a connection to `remote`; the SYN leaves at once. */
  connect(remote: Endpoint, localAddress?: string): TcpConnection {
    checkPort(remote.port, 'Port');
    const address = localAddress && !WILDCARDS.has(localAddress) ? localAddress : isLoopback(remote.address) ? '127.0.0.1' : this.address;
    const local = { address, port: this.freePort() };
    this.ephemeral.add(local.port);
    const conn = new TcpConnection(this, local, remote, this.iss(), 'SYN_SENT');
    this.connections.add(conn);
    return conn;
  }

  /** A segment addressed to this host arrived. */
  receive(seg: Segment): void {
    if (this.unanswered) return;
    const conn = this.connections.get(seg.dst, seg.dport, seg.src, seg.sport);
    // Only a SYN can end a TIME_WAIT (yieldsTo): no listener lookup for the other packets.
    if (conn && !(seg.syn && this.listenerFor(seg.dst, seg.dport) && conn.yieldsTo(seg))) return conn.receive(seg);
    if (seg.rst) return;
    const door = this.listening?.closedDoors.get(seg.dport);
    if (door === 'drop' && seg.syn && !seg.ack) return;
    const listener = seg.syn && !seg.ack && door === undefined ? this.listenerFor(seg.dst, seg.dport) : undefined;
    if (!listener) return this.answerReset(seg);
    // A full backlog drops the SYN: the client retries on its own timer (tcp_conn_request()).
    const ports = this.ports();
    const queue = ports.acceptQueues.get(seg.dport);
    const pending = ports.pending.get(seg.dport) ?? 0;
    if (pending + (queue?.length ?? 0) >= (queue?.capacity.backlog ?? listener.backlog)) return;
    ports.pending.set(seg.dport, pending + 1);
    const accepted = new TcpConnection(this, { address: seg.dst, port: seg.dport }, { address: seg.src, port: seg.sport }, this.iss(), 'SYN_RECEIVED');
    const settle = () => {
      ports.pending.set(seg.dport, (ports.pending.get(seg.dport) ?? 1) - 1);
    };
    accepted.user = {
      established: () => {
        settle();
        accepted.user = undefined;
        if (queue) queue.push(accepted, listener);
        else listener.accept(accepted);
      },
      data: () => true,
      fin: () => {},
      failed: settle,
      writable: () => {},
    };
    this.connections.add(accepted);
    accepted.acceptSyn(seg);
  }

  /** The RST a kernel sends for a segment no socket owns (RFC 793 "reset generation"). */
  private answerReset(seg: Segment): void {
    const base = { src: seg.dst, sport: seg.dport, dst: seg.src, dport: seg.sport, wnd: 0, rst: true as const };
    if (seg.ack) this.transmit({ ...base, seq: seg.ackNo, ackNo: 0 });
    else this.transmit({ ...base, ack: true, seq: 0, ackNo: seg.seq + segmentLength(seg) });
  }

  private listenerFor(address: string, port: number): HostListener | undefined {
    const all = this.listening?.listeners.get(port);
    if (!all) return undefined;
    return all.find((l) => l.address === address) ?? all.find((l) => WILDCARDS.has(l.address) || (isLoopback(l.address) && isLoopback(address)));
  }

  /** Ports in order from the start of Linux's ephemeral range; deterministic where Linux hashes. */
  private freePort(): number {
    for (let i = 0; i <= EPHEMERAL_PORT_LAST - EPHEMERAL_PORT_FIRST; i++) {
      const port = this.nextPort;
      this.nextPort = port === EPHEMERAL_PORT_LAST ? EPHEMERAL_PORT_FIRST : port + 1;
      if (!this.listening?.listeners.has(port) && !this.ephemeral.has(port)) return port;
    }
    throw errnoException('EADDRNOTAVAIL', 'connect');
  }

  private ports(): ListeningPorts {
    return (this.listening ??= new ListeningPorts());
  }

  /** Initial sequence numbers: fixed per host and increasing, so traces are the same every run. */
  private iss(): number {
    this.nextIss += 64_000;
    return this.nextIss;
  }
}

/** What a host keeps for its listening ports. */
class ListeningPorts {
  readonly listeners = new Map<number, HostListener[]>();
  /** Handshakes a listener has started and not finished, per port: its SYN queue. */
  readonly pending = new Map<number, number>();
  /** Listening ports that take no new connections for now, and how they turn a SYN away. */
  readonly closedDoors = new Map<number, DoorMode>();
  /** Listening ports whose server takes on connections no faster than its capacity. */
  readonly acceptQueues = new Map<number, AcceptQueue>();
}
