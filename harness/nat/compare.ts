import { expiryOutcome, type ExpirySemantics, type InsideFirst, type OutsideFirst } from '../sim/nat-outcome.ts';
import { RTO_MIN_MS, retransmitBudgetMs, TCP_RETRIES2 } from '../sim/tcp/constants.ts';
import { formatMs } from '../util/duration.ts';
import { FlatlineError } from '../util/errors.ts';
import type { NatProfile, NatRefresh } from './profiles.ts';

/**
 * What restarts the client's heartbeat timer: only its own heartbeats (a fixed rhythm), anything it
 * sends, anything it receives, or any traffic at all ("no heartbeat needed while other traffic flows").
 */
export type IdleBasis = 'heartbeat' | 'sent' | 'received' | 'any';

export interface HeartbeatTiming {
  /** H: the longest the client stays quiet before sending a heartbeat. */
  intervalMs: number;
  /** T: how long it waits for the reply before declaring the link dead. */
  replyTimeoutMs: number;
  /** Default 'heartbeat'. */
  idleBasis?: IdleBasis;
}

/**
 * A NAT as the arithmetic sees it: its idle timeout, which traffic refreshes it (nat_idle's words),
 * and the settings that decide what a forgotten connection meets (a profile's `sim`, or the
 * settings a nat_idle toxic's expiry action amounts to: NAT_IDLE_AS_CONNTRACK).
 */
export type NatTimer = Pick<NatProfile, 'name' | 'idleTimeoutMs' | 'refresh'> & { sim: ExpirySemantics };

export interface NatComparison {
  /**
   * An idle connection survives whatever other traffic does: the heartbeat keeps the mapping, or
   * the NAT picks the connection up again as it was when the client's next packet comes (`pickup`).
   */
  keepsAlive: boolean;
  /** Idle timeout minus H; negative when the heartbeat comes too late. */
  marginMs: number;
  /** What the client's next packet meets once the mapping is lost (harness/sim/nat-outcome.ts). */
  outcome: InsideFirst;
  /** What a server that writes first after expiry meets instead. */
  serverFirst: OutsideFirst;
  /**
   * Worst case from the last traffic before a mapping is lost to the client declaring the link dead
   * (so also from the expiry itself), on an otherwise idle link: the next heartbeat goes at most H
   * later; met by an RST (from the NAT, or from the server for a new port) it is noticed then (H);
   * dropped or leaked, its reply times out T after it (H + T, or ETIMEDOUT first if T is longer
   * than TCP's retransmission budget). null: picked up on the same port, there is nothing to notice.
   */
  detectionMs: number | null;
  /** One line for a person. */
  verdict: string;
}

/**
 * Traffic that postpones the heartbeat without refreshing the NAT, if any. A heartbeat answered by
 * the server refreshes the NAT in any mode; other traffic may flow one way only, and then a client
 * that skips heartbeats because of it lets the mapping expire.
 */
function unrefreshedTraffic(basis: IdleBasis, refresh: NatRefresh): 'received' | 'sent' | undefined {
  if (refresh === 'upstream' && (basis === 'received' || basis === 'any')) return 'received';
  if (refresh === 'downstream' && (basis === 'sent' || basis === 'any')) return 'sent';
  return undefined;
}

/** The retransmissions of an unanswered heartbeat end in ETIMEDOUT after this (Linux's tcp_retries2 = 15: 924.6 s). */
const RETRANSMIT_BUDGET_MS = retransmitBudgetMs(TCP_RETRIES2, RTO_MIN_MS);
const unanswered = (h: number, t: number) => h + Math.min(t, RETRANSMIT_BUDGET_MS);

const DETECTION: Record<InsideFirst, { ms: (h: number, t: number) => number | null; how: string }> = {
  pickup: { ms: () => null, how: 'loose pickup on the same port: the next heartbeat re-creates the mapping and the connection goes on' },
  'pickup-new-port': { ms: (h) => h, how: 'the next heartbeat is picked up on a new port and the server answers RST' },
  'reset-by-nat': { ms: (h) => h, how: 'the NAT answers the next heartbeat with RST' },
  dropped: { ms: unanswered, how: 'silent drop: the next heartbeat times out' },
  leaked: { ms: unanswered, how: 'the next heartbeat leaks un-NATed and times out' },
};

const SERVER_FIRST: Record<OutsideFirst, string> = {
  'reset-by-nat': 'a server that writes first after expiry gets an RST from the router',
  dropped: 'a server that writes first after expiry is dropped until it gives up',
};

/** Is the heartbeat short enough for this NAT, and how soon does the client notice when it is not? */
export function compareHeartbeat(heartbeat: HeartbeatTiming, nat: NatTimer): NatComparison {
  const { intervalMs: h, replyTimeoutMs: t } = heartbeat;
  if (!(Number.isFinite(h) && h > 0) || !(Number.isFinite(t) && t >= 0)) {
    throw new FlatlineError('FLATLINE_ERR_USAGE', `heartbeat: interval must be > 0 ms and reply timeout >= 0 ms (got ${h} and ${t})`);
  }
  const timeout = nat.idleTimeoutMs;
  const marginMs = timeout - h;
  // The expiry timer and a heartbeat due at the same instant race; only a strictly shorter H is safe.
  const inTime = h < timeout;
  const starving = unrefreshedTraffic(heartbeat.idleBasis ?? 'heartbeat', nat.refresh);
  const { inside, outside } = expiryOutcome(nat.sim);
  const detection = DETECTION[inside];
  const detectionMs = detection.ms(h, t);
  const noticed = detectionMs === null ? `if the mapping is lost, nothing to notice (${detection.how}; ${SERVER_FIRST[outside]})` : `if the mapping is lost, noticed within ${formatMs(detectionMs)} (${detection.how})`;

  let verdict: string;
  if (!inTime && detectionMs === null) {
    verdict = `heartbeat ${formatMs(h)} is not shorter than the ${nat.name} idle timeout ${formatMs(timeout)}: the mapping expires between heartbeats, but ${detection.how} (${SERVER_FIRST[outside]})`;
  } else if (!inTime) {
    verdict = `heartbeat ${formatMs(h)} is not shorter than the ${nat.name} idle timeout ${formatMs(timeout)}: an idle connection loses its mapping; ${noticed}`;
  } else if (starving) {
    verdict =
      `heartbeat ${formatMs(h)} is shorter than the ${nat.name} idle timeout ${formatMs(timeout)}, but ${starving} traffic postpones it ` +
      `and only ${nat.refresh} traffic refreshes this NAT: a one-way ${starving === 'received' ? 'stream from the server' : 'stream to the server'} lets the mapping expire; ${noticed}`;
  } else {
    verdict = `heartbeat ${formatMs(h)} keeps the ${nat.name} mapping (idle timeout ${formatMs(timeout)}) alive with ${formatMs(marginMs)} to spare; ${noticed}`;
  }
  const keepsAlive = (inTime && !starving) || inside === 'pickup';
  return { keepsAlive, marginMs, outcome: inside, serverFirst: outside, detectionMs, verdict };
}
