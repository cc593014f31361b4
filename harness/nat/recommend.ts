import { readableMs } from '../util/duration.ts';
import { FlatlineError } from '../util/errors.ts';
import { maxOf } from '../util/max.ts';
import { compareHeartbeat } from './compare.ts';
import type { NatProfile } from './profiles.ts';

/**
 * The margin a heartbeat should leave under the shortest idle timeout, as a fraction of it. 10 %
 * (WeChat's fixed 270 s under a 300 s carrier NAT) is what a tuned app runs at, with its own
 * re-probing behind it; a fixed interval needs more: carriers with the same nominal timer differ
 * (NetPiculet, SIGCOMM 2011, found a firewall resetting idle TCP at 255 s), and a phone's timers
 * fire late in the background (Android batches inexact alarms in Doze). Sources in
 * shared/reference/anchors.md section 4.
 */
export const DEFAULT_MARGIN = 0.2;

/**
 * Radio-on time a lone packet costs an idle phone: the LTE RRC tail timer, 11.576 s (Huang et al.,
 * "A Close Examination of Performance and Power Characteristics of 4G LTE Networks", MobiSys 2012,
 * Table 3). Each heartbeat on an otherwise idle phone wakes the radio once and keeps it on this long.
 */
export const LTE_TAIL_MS = 11_576;

const HOUR_MS = 3_600_000;

export interface HeartbeatCost {
  heartbeatsPerHour: number;
  heartbeatsPerDay: number;
  /** On an otherwise idle phone each heartbeat is one radio wake-up. */
  wakeupsPerHour: number;
  /** Radio-on time those wake-ups cost per hour on LTE (the tail after each). */
  radioOnMsPerHour: number;
}

export interface Recommendation {
  heartbeatMs: number;
  /** The margin asked for, as a fraction of the shortest idle timeout. */
  margin: number;
  /** The profile with the shortest idle timeout: the one the heartbeat is sized for. */
  tightest: NatProfile;
  /** Per profile: idle timeout minus the heartbeat. */
  margins: { profile: NatProfile; marginMs: number }[];
  /** Worst-case detection of a lost mapping, per expiry behaviour met in the set; null when every one picks the connection up. */
  detectionMs: number | null;
  cost: HeartbeatCost;
}

export function heartbeatCost(heartbeatMs: number): HeartbeatCost {
  const perHour = HOUR_MS / heartbeatMs;
  return { heartbeatsPerHour: perHour, heartbeatsPerDay: perHour * 24, wakeupsPerHour: perHour, radioOnMsPerHour: perHour * LTE_TAIL_MS };
}

/**
 * The longest heartbeat that leaves `margin` of the shortest idle timeout in `profiles`, rounded
 * down to what a person would configure (whole 5 s from a minute up, whole seconds below; MQTT's
 * keepalive is whole seconds anyway). `replyTimeout` is T, or T as a function of H (MQTT's is H / 2).
 */
export function recommendHeartbeat(profiles: readonly NatProfile[], replyTimeout: number | ((heartbeatMs: number) => number), margin = DEFAULT_MARGIN): Recommendation {
  if (profiles.length === 0) throw new FlatlineError('FLATLINE_ERR_USAGE', 'a recommendation needs at least one NAT profile');
  if (!(margin >= 0 && margin < 1)) throw new FlatlineError('FLATLINE_ERR_USAGE', `the margin must be from 0% to under 100% of the idle timeout (got ${margin * 100}%)`);
  const tightest = profiles.reduce((a, b) => (b.idleTimeoutMs < a.idleTimeoutMs ? b : a));
  const room = tightest.idleTimeoutMs * (1 - margin);
  const step = room >= 60_000 ? 5_000 : 1_000;
  // Strictly under the timeout: a heartbeat due at the instant the mapping expires races it.
  let heartbeatMs = Math.floor(room / step) * step;
  if (heartbeatMs >= tightest.idleTimeoutMs) heartbeatMs -= step;
  if (heartbeatMs < 1_000) {
    throw new FlatlineError('FLATLINE_ERR_USAGE', `the ${tightest.name} idle timeout ${readableMs(tightest.idleTimeoutMs)} leaves no heartbeat of a second or more with a ${Math.round(margin * 100)}% margin`);
  }
  const replyTimeoutMs = typeof replyTimeout === 'function' ? replyTimeout(heartbeatMs) : replyTimeout;
  const noticed = profiles.map((p) => compareHeartbeat({ intervalMs: heartbeatMs, replyTimeoutMs }, p).detectionMs).filter((ms) => ms !== null);
  const detectionMs = maxOf(noticed) ?? null;
  return {
    heartbeatMs,
    margin,
    tightest,
    margins: profiles.map((profile) => ({ profile, marginMs: profile.idleTimeoutMs - heartbeatMs })),
    detectionMs,
    cost: heartbeatCost(heartbeatMs),
  };
}

/** Profiles a heartbeat keeps alive with less than `margin` to spare: worth a warning, not a "yes". */
export function thinMargins(heartbeatMs: number, profiles: readonly NatProfile[], margin = DEFAULT_MARGIN): { profile: NatProfile; marginMs: number }[] {
  return profiles
    .map((profile) => ({ profile, marginMs: profile.idleTimeoutMs - heartbeatMs }))
    .filter(({ profile, marginMs }) => marginMs > 0 && marginMs < margin * profile.idleTimeoutMs);
}
