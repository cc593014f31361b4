import type { Verdict } from '../checks/verdict.ts';
import { resolveHeartbeatOptions } from '../policy/heartbeat.ts';
import type { RunResult } from '../scenario/results.ts';
import type { ExpirySemantics } from '../sim/nat-outcome.ts';
import type { TraceEvent } from '../trace/trace.ts';
import { formatMs, toMs, type Duration } from '../util/duration.ts';
import { maxOf } from '../util/max.ts';
import { compareHeartbeat, type NatComparison, type NatTimer } from './compare.ts';
import { NAT_IDLE_AS_CONNTRACK, NAT_PROFILES, type NatExpiry } from './profiles.ts';

/**
 * The heartbeat x NAT matrix read back from results: every run whose matrix cell names a
 * `heartbeat` and a `nat` (a profile id, a timeout such as "5m", or nat_idle attributes) is one
 * observation of that pair. Pure: it reads results and never runs anything, so the report and
 * `flatline nat --simulate` share it.
 */
export interface NatCell {
  heartbeatMs: number;
  /** The reply timeout T the prediction used. */
  replyTimeoutMs: number;
  /** The cell's `nat` as written: a profile id or a timeout. */
  nat: string;
  natTimeoutMs: number;
  /** From keepalive verdicts: true when every one held, false when one broke, null without one. */
  survived: boolean | null;
  /** From detection verdicts: the slowest measured detection; null when none measured one. */
  detectionMs: number | null;
  /** A detection verdict found no detection at all. */
  undetected: boolean;
  predicted: NatComparison;
  /** Where the runs disagree with the arithmetic; empty when they agree. */
  disagreements: string[];
  /** Ids of the runs this cell was read from. */
  runs: string[];
}

/**
 * Measured and predicted detection times may differ this much: virtual time is exact, but the
 * worst-case probe loses its mapping 1 ms after the last traffic, and real-time runs add noise.
 */
export const DETECTION_TOLERANCE_MS = 1_000;

/** Cell value of the probes `flatline nat --simulate` runs; their detection must reach the worst case. */
export const WORST_CASE_PROBE = 'detection';
/** The worst-case probe's NAT loses every mapping this long after the last traffic (its idle timeout). */
export const LOST_AFTER_MS = 1;

export function natCells(runs: readonly RunResult[]): NatCell[] {
  const groups = new Map<string, { key: CellKey; runs: RunResult[] }>();
  for (const run of runs) {
    const key = cellKey(run);
    if (!key) continue;
    const id = `${key.heartbeatMs}|${key.nat}|${key.replyTimeoutMs}`;
    const group = groups.get(id) ?? { key, runs: [] };
    group.runs.push(run);
    groups.set(id, group);
  }
  return [...groups.values()].map(({ key, runs: group }) => observe(key, group));
}

interface CellKey {
  heartbeatMs: number;
  replyTimeoutMs: number;
  nat: string;
  timer: NatTimer;
}

function cellKey(run: RunResult): CellKey | undefined {
  const cell = run.cell;
  if (!cell || cell.heartbeat === undefined || cell.nat === undefined) return undefined;
  const heartbeatMs = durationOrUndefined(cell.heartbeat);
  const nat = natTimer(cell.nat, run.trace);
  if (heartbeatMs === undefined || heartbeatMs <= 0 || !nat) return undefined;
  const promisedT = run.promised?.detectionBoundMs === undefined ? undefined : run.promised.detectionBoundMs - heartbeatMs;
  const replyTimeoutMs = durationOrUndefined(cell.timeout) ?? (promisedT !== undefined && promisedT >= 0 ? promisedT : resolveHeartbeatOptions().timeoutMs);
  return { heartbeatMs, replyTimeoutMs, ...nat };
}

/**
 * The NAT of a cell, with the expiry semantics the run actually had: the sim NAT's settings from
 * its `nat.placed` event, else (kernel sockets) what the nat_idle toxic's expiry action amounts to.
 */
function natTimer(value: unknown, trace: readonly TraceEvent[]): { nat: string; timer: NatTimer } | undefined {
  const placed = trace.find((e) => e.type === 'nat.placed');
  const ran = (onExpiry: NatExpiry): ExpirySemantics =>
    placed ? { loose: placed.loose === true, port: placed.port === 'random' ? 'random' : 'preserve', filter: placed.filter === true, resetInside: placed.resetInside === true } : NAT_IDLE_AS_CONNTRACK[onExpiry];
  const profile = NAT_PROFILES.find((p) => p.id === value);
  if (profile) return { nat: profile.id, timer: { ...profile, sim: ran(profile.onExpiry) } };
  const spec = typeof value === 'object' && value !== null ? (value as { timeout?: unknown; refresh?: NatTimer['refresh']; on_expiry?: NatExpiry }) : { timeout: value };
  const timeoutMs = durationOrUndefined(spec.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) return undefined;
  return { nat: formatMs(timeoutMs), timer: { name: `${formatMs(timeoutMs)} NAT`, idleTimeoutMs: timeoutMs, refresh: spec.refresh ?? 'both', sim: ran(spec.on_expiry ?? 'drop') } };
}

function durationOrUndefined(value: unknown): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  try {
    return toMs(value as Duration);
  } catch {
    return undefined;
  }
}

function observe(key: CellKey, runs: RunResult[]): NatCell {
  const verdicts = (check: string) => runs.flatMap((r) => r.verdicts.filter((v) => v.check === check && v.status !== 'error'));
  const keepalive = verdicts('keepalive');
  const detection = verdicts('detection');
  const measured = runs.flatMap(measuredDetections);
  const cell: NatCell = {
    heartbeatMs: key.heartbeatMs,
    replyTimeoutMs: key.replyTimeoutMs,
    nat: key.nat,
    natTimeoutMs: key.timer.idleTimeoutMs,
    survived: keepalive.length ? keepalive.every((v) => v.status === 'pass') : null,
    detectionMs: maxOf(measured) ?? null,
    undetected: detection.some((v) => detectionOf(v) === null),
    predicted: compareHeartbeat({ intervalMs: key.heartbeatMs, replyTimeoutMs: key.replyTimeoutMs }, key.timer),
    disagreements: [],
    runs: runs.map((r) => r.id),
  };
  cell.disagreements = disagreements(cell, runs.some((r) => r.cell?.probe === WORST_CASE_PROBE));
  return cell;
}

/**
 * The detections a run measured. The worst-case probe's count from its mapping's expiry, so from the
 * last traffic they are LOST_AFTER_MS longer; where the profile picks the connection up, that probe
 * asks for no alarm instead, and an alarm it raises counts as a detection.
 */
function measuredDetections(run: RunResult): number[] {
  const worstCase = run.cell?.probe === WORST_CASE_PROBE;
  const found = run.verdicts.flatMap((v) => {
    if (v.status === 'error') return [];
    if (v.check === 'detection') return [detectionOf(v)];
    return worstCase && v.check === 'no-false-alarm' && v.status === 'fail' ? [v.measured.firstAlarmMs] : [];
  });
  return found.filter((ms): ms is number => typeof ms === 'number').map((ms) => (worstCase ? ms + LOST_AFTER_MS : ms));
}

function detectionOf(v: Verdict): number | null {
  return typeof v.measured.detectionMs === 'number' ? v.measured.detectionMs : null;
}

/**
 * Where what happened differs from the arithmetic. The prediction is a worst case: a run may notice
 * sooner, unless it is a worst-case probe (the mapping lost right after the last traffic).
 */
function disagreements(cell: NatCell, worstCaseProbe: boolean): string[] {
  const { predicted } = cell;
  const found: string[] = [];
  if (cell.survived !== null && cell.survived !== predicted.keepsAlive) {
    found.push(predicted.keepsAlive ? 'predicted the mapping stays alive, but the connection broke' : 'predicted the mapping expires, but the connection survived');
  }
  if (predicted.detectionMs === null) {
    if (cell.detectionMs !== null) found.push(`predicted the NAT picks the connection up (nothing to notice), but the client declared the link dead after ${formatMs(cell.detectionMs)}`);
    return found;
  }
  if (cell.undetected) found.push(`predicted detection within ${formatMs(predicted.detectionMs)}, but the loss was never noticed`);
  if (cell.detectionMs !== null) {
    const off = cell.detectionMs - predicted.detectionMs;
    if (off > DETECTION_TOLERANCE_MS || (worstCaseProbe && off < -DETECTION_TOLERANCE_MS)) {
      found.push(`predicted detection after ${formatMs(predicted.detectionMs)}, measured ${formatMs(cell.detectionMs)}`);
    }
  }
  return found;
}
