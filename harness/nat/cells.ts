import type { Verdict } from '../checks/verdict.ts';
import { resolveHeartbeatOptions } from '../policy/heartbeat.ts';
import type { RunResult } from '../scenario/results.ts';
import { formatMs, toMs, type Duration } from '../util/duration.ts';
import { compareHeartbeat, type NatComparison, type NatTimer } from './compare.ts';
import { NAT_PROFILES } from './profiles.ts';

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
  const nat = natTimer(cell.nat);
  if (heartbeatMs === undefined || heartbeatMs <= 0 || !nat) return undefined;
  const promisedT = run.promised?.detectionBoundMs === undefined ? undefined : run.promised.detectionBoundMs - heartbeatMs;
  const replyTimeoutMs = durationOrUndefined(cell.timeout) ?? (promisedT !== undefined && promisedT >= 0 ? promisedT : resolveHeartbeatOptions().timeoutMs);
  return { heartbeatMs, replyTimeoutMs, ...nat };
}

function natTimer(value: unknown): { nat: string; timer: NatTimer } | undefined {
  const profile = NAT_PROFILES.find((p) => p.id === value);
  if (profile) return { nat: profile.id, timer: profile };
  const spec = typeof value === 'object' && value !== null ? (value as { timeout?: unknown; refresh?: NatTimer['refresh']; on_expiry?: NatTimer['onExpiry'] }) : { timeout: value };
  const timeoutMs = durationOrUndefined(spec.timeout);
  if (timeoutMs === undefined || timeoutMs <= 0) return undefined;
  return { nat: formatMs(timeoutMs), timer: { name: `${formatMs(timeoutMs)} NAT`, idleTimeoutMs: timeoutMs, refresh: spec.refresh ?? 'both', onExpiry: spec.on_expiry ?? 'drop' } };
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
  const measured = detection.map(detectionOf).filter((ms): ms is number => ms !== null);
  const cell: NatCell = {
    heartbeatMs: key.heartbeatMs,
    replyTimeoutMs: key.replyTimeoutMs,
    nat: key.nat,
    natTimeoutMs: key.timer.idleTimeoutMs,
    survived: keepalive.length ? keepalive.every((v) => v.status === 'pass') : null,
    detectionMs: measured.length ? Math.max(...measured) : null,
    undetected: detection.some((v) => detectionOf(v) === null),
    predicted: compareHeartbeat({ intervalMs: key.heartbeatMs, replyTimeoutMs: key.replyTimeoutMs }, key.timer),
    disagreements: [],
    runs: runs.map((r) => r.id),
  };
  cell.disagreements = disagreements(cell, runs.some((r) => r.cell?.probe === WORST_CASE_PROBE));
  return cell;
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
  if (cell.undetected) found.push(`predicted detection within ${formatMs(predicted.detectionMs)}, but the loss was never noticed`);
  if (cell.detectionMs !== null) {
    const off = cell.detectionMs - predicted.detectionMs;
    if (off > DETECTION_TOLERANCE_MS || (worstCaseProbe && off < -DETECTION_TOLERANCE_MS)) {
      found.push(`predicted detection after ${formatMs(predicted.detectionMs)}, measured ${formatMs(cell.detectionMs)}`);
    }
  }
  return found;
}
