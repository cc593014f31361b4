import { formatMs } from '../util/duration.ts';
import { FlatlineError } from '../util/errors.ts';
import type { NatExpiry, NatProfile, NatRefresh } from './profiles.ts';

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

export type NatTimer = Pick<NatProfile, 'name' | 'idleTimeoutMs' | 'refresh' | 'onExpiry'>;

export interface NatComparison {
  /** The heartbeat keeps the mapping alive whatever other traffic does. */
  keepsAlive: boolean;
  /** Idle timeout minus H; negative when the heartbeat comes too late. */
  marginMs: number;
  /**
   * Worst case from the last traffic before a mapping is lost to the client declaring the link dead
   * (so also from the expiry itself), on an otherwise idle link: with a silent drop the next
   * heartbeat goes at most H later and times out T after it (H + T); with reset or reset_both that
   * heartbeat meets an RST (H).
   */
  detectionMs: number;
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

const DETECTION: Record<NatExpiry, { ms: (h: number, t: number) => number; how: string }> = {
  drop: { ms: (h, t) => h + t, how: 'silent drop: the next heartbeat times out' },
  reset: { ms: (h) => h, how: 'the next heartbeat meets an RST' },
  reset_both: { ms: (h) => h, how: 'the next packet across resets both ends' },
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
  const detection = DETECTION[nat.onExpiry];
  const detectionMs = detection.ms(h, t);
  const noticed = `if the mapping is lost, noticed within ${formatMs(detectionMs)} (${detection.how})`;

  let verdict: string;
  if (!inTime) {
    verdict = `heartbeat ${formatMs(h)} is not shorter than the ${nat.name} idle timeout ${formatMs(timeout)}: an idle connection loses its mapping; ${noticed}`;
  } else if (starving) {
    verdict =
      `heartbeat ${formatMs(h)} is shorter than the ${nat.name} idle timeout ${formatMs(timeout)}, but ${starving} traffic postpones it ` +
      `and only ${nat.refresh} traffic refreshes this NAT: a one-way ${starving === 'received' ? 'stream from the server' : 'stream to the server'} lets the mapping expire; ${noticed}`;
  } else {
    verdict = `heartbeat ${formatMs(h)} keeps the ${nat.name} mapping (idle timeout ${formatMs(timeout)}) alive with ${formatMs(marginMs)} to spare; ${noticed}`;
  }
  return { keepsAlive: inTime && !starving, marginMs, detectionMs, verdict };
}
