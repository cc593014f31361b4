import type { Clock, TimerHandle } from '../clock/clock.ts';
import type { TraceSink } from '../trace/trace.ts';
import { FlatlineError } from '../util/errors.ts';
import type { Rng } from '../util/rng.ts';
import { expiryOutcome, type ExpiryOutcome } from './nat-outcome.ts';
import type { SimNode } from './node.ts';
import { readdressed, segmentLength, type Segment } from './segment.ts';
import { EPHEMERAL_PORT_FIRST, EPHEMERAL_PORT_LAST } from './tcp/constants.ts';

/** What an operator configures on a NAT, named as they would name it. */
export interface NatConfig {
  /** Idle timeout of an established mapping (nf_conntrack_tcp_timeout_established; a carrier's 5 minutes). */
  timeoutMs: number;
  /** Idle timeout while the handshake is under way (nf_conntrack_tcp_timeout_syn_sent: 120 s). */
  synTimeoutMs?: number;
  /** Idle timeout once a FIN was seen (nf_conntrack_tcp_timeout_fin_wait: 120 s). */
  finTimeoutMs?: number;
  /**
   * Pick up a connection it has no mapping for from any mid-stream packet of the inside host
   * (nf_conntrack_tcp_loose, 1 by default on Linux). Off: such a packet is INVALID.
   */
  loose: boolean;
  /** The public port of a mapping: the inside port kept where free (Linux masquerade), or drawn at random (carrier-grade NATs). */
  port: 'preserve' | 'random';
  /**
   * A filter (a `ct state invalid drop` rule) drops INVALID packets and unsolicited inbound ones.
   * Without it an INVALID packet leaves un-NATed (with its private source: no answer can come
   * back) and an unsolicited inbound one reaches the router's own stack, which answers RST.
   */
  filter: boolean;
  /** Which packets keep a mapping alive: any (conntrack) or only the inside host's (some carrier NATs). */
  refresh: 'both' | 'outbound';
  /**
   * The NAT itself answers an inside packet it has no mapping for with an RST to the inside host
   * (AWS and Azure NAT gateways), instead of dropping or leaking it. Needs `loose: false`: a
   * loose NAT picks such a packet up.
   */
  resetInside?: boolean;
}

/**
 * Linux's conntrack defaults, net/netfilter/nf_conntrack_proto_tcp.c tcp_timeouts[]:
 * SYN_SENT 2 min, FIN_WAIT 2 min, CLOSE 10 s.
 */
const LINUX_SYN_SENT_MS = 120_000;
const LINUX_FIN_WAIT_MS = 120_000;
const LINUX_CLOSE_MS = 10_000;
/** The largest timeout a timer can hold (setTimeout's 2^31 - 1 ms). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;
/** The public ports a NAT hands out, one per mapping: the ephemeral range's 28,232. */
export const NAT_PUBLIC_PORTS = EPHEMERAL_PORT_LAST - EPHEMERAL_PORT_FIRST + 1;

type MappingState = 'syn' | 'established' | 'fin' | 'closed';

interface Mapping {
  privateAddress: string;
  privatePort: number;
  publicPort: number;
  remote: string;
  remotePort: number;
  state: MappingState;
  lastSeen: number;
  timer: TimerHandle | undefined;
}

/** What a NAT tells the trace beyond its mappings' births and deaths. */
export interface NatOptions {
  /**
   * Trace `nat.refreshed` when a packet refreshes a mapping that had been quiet for REFRESH_QUIET_MS
   * or more. A run's one subject NAT does; a fleet's, refreshed by every member's heartbeat, would
   * drown its trace.
   */
  traceRefreshes?: boolean;
}

/**
 * A packet counts as a refresh (traced `nat.refreshed`) when it moves the mapping's expiry at least
 * this far: Linux's conntrack, 2.6 to 4.6, moved an entry's timer and raised its IPCT_REFRESH event
 * only then (`if (newtime - ct->timeout.expires >= HZ)`, HZ jiffies being 1 s, in
 * __nf_ct_refresh_acct(), net/netfilter/nf_conntrack_core.c; 4.7 dropped the per-entry timer).
 * Here the expiry moves with every packet, so that second is measured from the last packet, not the
 * last refresh: for the sparse traffic a NAT's marks are about (a heartbeat, its reply and the ACK,
 * one mark) the two agree, and under steady traffic, where Linux raised one a second, nothing is
 * traced: a mapping in steady use is in no danger, and a day's transfer would drown the timeline.
 */
export const REFRESH_QUIET_MS = 1000;

/** What the NAT needs from the network: a way to send a packet on from itself. */
export interface NatNetwork {
  /** What the NAT's idle timers run on. */
  readonly timers: Clock;
  forward(from: SimNode, seg: Segment): void;
}

/**
 * A NAT middlebox with conntrack semantics: one mapping per connection, created by the inside
 * host's SYN, refreshed by the packets its config says, expired after its state's idle timeout.
 * Expiry itself sends nothing; what happens depends on who speaks next (see the README's table):
 * the inside host (picked up transparently, picked up on a new port so the server answers RST,
 * dropped, or leaked), or the outside host (answered with RST, or dropped). A FIN never creates
 * a mapping. `flush()` forgets every mapping at once, exactly as if each had expired.
 */
export class Nat implements SimNode {
  private readonly byInside = new Map<string, Mapping>();
  private readonly byOutside = new Map<string, Mapping>();
  private readonly usedPorts = new Set<number>();
  private readonly config: Required<NatConfig>;
  /** What a forgotten connection's next packet meets: the routing below follows it. */
  private readonly outcome: ExpiryOutcome;
  private readonly source: string;

  constructor(
    readonly name: string,
    readonly address: string,
    config: NatConfig,
    private readonly network: NatNetwork,
    private readonly rng: Rng,
    private readonly trace: TraceSink = () => {},
    private readonly options: NatOptions = {},
  ) {
    this.config = checkNatConfig(config, `NAT "${name}"`);
    this.outcome = expiryOutcome(this.config);
    this.source = `nat:${name}`;
  }

  get mappings(): number {
    return this.byInside.size;
  }

  /** Each live mapping's inside address and public port: whose connection the outside sees on a port. */
  *publicPorts(): Iterable<{ privateAddress: string; publicPort: number }> {
    for (const { privateAddress, publicPort } of this.byInside.values()) yield { privateAddress, publicPort };
  }

  receive(seg: Segment): void {
    if (seg.dst === this.address) this.inbound(seg);
    else this.outbound(seg);
  }

  /** Every mapping forgotten at once (a NAT reboot, `conntrack -F`): the same as each expiring now. */
  flush(): void {
    for (const m of [...this.byInside.values()]) this.expire(m);
  }

  private outbound(seg: Segment): void {
    const key = insideKey(seg.src, seg.sport, seg.dst, seg.dport);
    let m = this.byInside.get(key);
    if (!m) {
      const opening = seg.syn && !seg.ack;
      const pickup = this.outcome.inside === 'pickup' || this.outcome.inside === 'pickup-new-port';
      if (!opening && (seg.fin || seg.rst || !pickup)) return this.invalid(seg);
      m = this.create(seg, opening ? 'syn' : 'established');
    }
    this.seen(m, seg, true, 'inside');
    this.network.forward(this, readdressed(seg, this.address, m.publicPort, seg.dst, seg.dport));
  }

  private inbound(seg: Segment): void {
    const m = this.byOutside.get(outsideKey(seg.dport, seg.src, seg.sport));
    if (!m) return this.unsolicited(seg);
    if (m.state === 'syn' && seg.syn && seg.ack) m.state = 'established';
    this.seen(m, seg, this.config.refresh === 'both', 'outside');
    this.network.forward(this, readdressed(seg, seg.src, seg.sport, m.privateAddress, m.privatePort));
  }

  private create(seg: Segment, state: MappingState): Mapping {
    const m: Mapping = { privateAddress: seg.src, privatePort: seg.sport, publicPort: this.publicPort(seg.sport), remote: seg.dst, remotePort: seg.dport, state, lastSeen: this.network.timers.now(), timer: undefined };
    this.byInside.set(insideKey(m.privateAddress, m.privatePort, m.remote, m.remotePort), m);
    this.byOutside.set(outsideKey(m.publicPort, m.remote, m.remotePort), m);
    this.usedPorts.add(m.publicPort);
    this.trace(this.source, 'nat.mapping.created', { inside: `${m.privateAddress}:${m.privatePort}`, public: m.publicPort, remote: `${m.remote}:${m.remotePort}`, by: state === 'syn' ? 'syn' : 'pickup' });
    return m;
  }

  /** A packet of the mapping's connection passed, sent by the `from` side's host. */
  private seen(m: Mapping, seg: Segment, refresh: boolean, from: 'inside' | 'outside'): void {
    if (seg.rst) m.state = 'closed';
    else if (seg.fin && m.state !== 'closed') m.state = 'fin';
    const now = this.network.timers.now();
    if (refresh && this.options.traceRefreshes && now - m.lastSeen >= REFRESH_QUIET_MS) {
      this.trace(this.source, 'nat.refreshed', { inside: `${m.privateAddress}:${m.privatePort}`, public: m.publicPort, by: from, idleMs: now - m.lastSeen });
    }
    if (refresh || m.timer === undefined) m.lastSeen = now;
    this.arm(m);
  }

  /** One lazy timer per mapping: it fires at the earliest possible expiry and checks again. */
  private arm(m: Mapping): void {
    if (m.timer !== undefined) return;
    const due = m.lastSeen + this.timeoutOf(m) - this.network.timers.now();
    m.timer = this.network.timers.setTimeout(() => {
      m.timer = undefined;
      if (this.network.timers.now() - m.lastSeen >= this.timeoutOf(m)) this.expire(m);
      else this.arm(m);
    }, Math.max(0, due));
  }

  private timeoutOf(m: Mapping): number {
    const c = this.config;
    return m.state === 'established' ? c.timeoutMs : m.state === 'syn' ? c.synTimeoutMs : m.state === 'fin' ? c.finTimeoutMs : Math.min(LINUX_CLOSE_MS, c.timeoutMs);
  }

  private expire(m: Mapping): void {
    this.network.timers.clearTimeout(m.timer);
    m.timer = undefined;
    this.byInside.delete(insideKey(m.privateAddress, m.privatePort, m.remote, m.remotePort));
    this.byOutside.delete(outsideKey(m.publicPort, m.remote, m.remotePort));
    this.usedPorts.delete(m.publicPort);
    const { transparent, text } = this.outcome;
    this.trace(this.source, 'nat.expired', { inside: `${m.privateAddress}:${m.privatePort}`, public: m.publicPort, remote: `${m.remote}:${m.remotePort}`, state: m.state, transparent, next: text });
  }

  /** A packet of the inside host that no mapping owns and none may be made for. */
  private invalid(seg: Segment): void {
    if (this.outcome.inside === 'reset-by-nat' && !seg.rst) return this.answerReset(seg, 'inside');
    if (this.config.filter) {
      this.trace(this.source, 'nat.dropped', { inside: `${seg.src}:${seg.sport}`, remote: `${seg.dst}:${seg.dport}`, why: 'invalid' });
      return;
    }
    // No rule drops it: it leaves with its private source, and nothing can answer it.
    this.trace(this.source, 'nat.leaked', { inside: `${seg.src}:${seg.sport}`, remote: `${seg.dst}:${seg.dport}` });
    this.network.forward(this, seg);
  }

  /** A packet from outside for no mapping: dropped by a filter, else answered by the router's own stack. */
  private unsolicited(seg: Segment): void {
    if (this.outcome.outside === 'dropped' || seg.rst) {
      this.trace(this.source, 'nat.dropped', { remote: `${seg.src}:${seg.sport}`, public: seg.dport, why: 'no mapping' });
      return;
    }
    this.answerReset(seg, 'outside');
  }

  /** An RST back to the sender of `seg` as if from its peer (RFC 793 reset generation), sent by the NAT. */
  private answerReset(seg: Segment, side: 'inside' | 'outside'): void {
    this.trace(this.source, 'nat.reset.sent', { to: `${seg.src}:${seg.sport}`, side, ...(side === 'outside' ? { public: seg.dport } : { remote: `${seg.dst}:${seg.dport}` }) });
    const base = { src: seg.dst, sport: seg.dport, dst: seg.src, dport: seg.sport, wnd: 0, rst: true as const };
    const reset = seg.ack ? { ...base, seq: seg.ackNo, ackNo: 0 } : { ...base, ack: true as const, seq: 0, ackNo: seg.seq + segmentLength(seg) };
    // Outside, the RST leaves from the public address the packet was sent to; inside, it reaches the host as if from its peer.
    this.network.forward(this, side === 'outside' ? { ...reset, src: this.address } : reset);
  }

  private publicPort(insidePort: number): number {
    if (this.config.port === 'preserve' && !this.usedPorts.has(insidePort)) return insidePort;
    for (let i = 0; i < NAT_PUBLIC_PORTS; i++) {
      const port = EPHEMERAL_PORT_FIRST + Math.floor(this.rng.next() * NAT_PUBLIC_PORTS);
      if (!this.usedPorts.has(port)) return port;
    }
    throw new FlatlineError('FLATLINE_ERR_CONFIG', `NAT "${this.name}" has no public port left (${this.usedPorts.size} mappings)`);
  }
}

/** A NAT's settings, checked: every field named in the error with what to write instead. */
export function checkNatConfig(config: NatConfig, where: string): Required<NatConfig> {
  const timeout = (value: unknown, field: string) => {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_TIMEOUT_MS) {
      throw new FlatlineError('FLATLINE_ERR_CONFIG', `${where}: ${field} must be a duration above 0 and at most ${MAX_TIMEOUT_MS} ms (about 24.8 days), got ${JSON.stringify(value)}`);
    }
    return value;
  };
  const oneOf = <T extends string>(value: unknown, field: string, allowed: readonly T[]): T => {
    if (!allowed.includes(value as T)) throw new FlatlineError('FLATLINE_ERR_CONFIG', `${where}: ${field} must be ${allowed.map((a) => `"${a}"`).join(' or ')}, got ${JSON.stringify(value)}`);
    return value as T;
  };
  if (typeof config.loose !== 'boolean') throw new FlatlineError('FLATLINE_ERR_CONFIG', `${where}: loose must be true or false, got ${JSON.stringify(config.loose)}`);
  if (typeof config.filter !== 'boolean') throw new FlatlineError('FLATLINE_ERR_CONFIG', `${where}: filter must be true or false, got ${JSON.stringify(config.filter)}`);
  const resetInside = config.resetInside ?? false;
  if (typeof resetInside !== 'boolean') throw new FlatlineError('FLATLINE_ERR_CONFIG', `${where}: resetInside must be true or false, got ${JSON.stringify(config.resetInside)}`);
  if (resetInside && config.loose) throw new FlatlineError('FLATLINE_ERR_CONFIG', `${where}: resetInside contradicts loose: a loose NAT picks the inside host's packet up instead of resetting it; set loose: false`);
  const timeoutMs = timeout(config.timeoutMs, 'timeoutMs');
  return {
    timeoutMs,
    synTimeoutMs: timeout(config.synTimeoutMs ?? Math.min(LINUX_SYN_SENT_MS, timeoutMs), 'synTimeoutMs'),
    finTimeoutMs: timeout(config.finTimeoutMs ?? Math.min(LINUX_FIN_WAIT_MS, timeoutMs), 'finTimeoutMs'),
    loose: config.loose,
    port: oneOf(config.port, 'port', ['preserve', 'random'] as const),
    filter: config.filter,
    refresh: oneOf(config.refresh, 'refresh', ['both', 'outbound'] as const),
    resetInside,
  };
}

function insideKey(address: string, port: number, remote: string, remotePort: number): string {
  return `${address}:${port}>${remote}:${remotePort}`;
}

function outsideKey(publicPort: number, remote: string, remotePort: number): string {
  return `${publicPort}<${remote}:${remotePort}`;
}
