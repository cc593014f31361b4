import { reconnectHistory } from '../checks/reconnects.ts';
import type { ResultsFile, RunResult, RunStatus } from '../scenario/results.ts';
import { readableMs } from '../util/duration.ts';
import { maxOf } from '../util/max.ts';
import { buildDelivery } from './html/delivery.ts';
import { mainClient } from './html/timeline.ts';

/** The numbers compared between a run and its baseline; higher is worse for every one. */
export const KEY_NUMBERS = [
  { key: 'detectionMs', label: 'detection time', duration: true },
  { key: 'reconnects', label: 'reconnect attempts', duration: false },
  { key: 'longestWaitMs', label: 'longest reconnect wait', duration: true },
  { key: 'lost', label: 'lost', duration: false },
  { key: 'duplicated', label: 'duplicated', duration: false },
  { key: 'unresolved', label: 'unresolved', duration: false },
] as const;

export type KeyNumber = (typeof KEY_NUMBERS)[number]['key'];

/** A run's key numbers: null for "never" (never detected), absent when the run does not measure it. */
export type KeyNumbers = Partial<Record<KeyNumber, number | null>>;

export interface NumberChange {
  key: KeyNumber;
  label: string;
  before: number | null;
  after: number | null;
  /** "detection time 3m10s -> 3m50s (+40s)" */
  text: string;
  worse: boolean;
}

export type ChangeKind = 'regressed' | 'improved' | 'new' | 'gone';

export interface RunChange {
  id: string;
  scenario: string;
  file: string;
  kind: ChangeKind;
  /** null when the run is not on that side. */
  before: RunStatus | null;
  after: RunStatus | null;
  numbers: NumberChange[];
}

export interface ResultsDiff {
  /** Relative: a number changes when it moves by more than this fraction of the larger of the two. */
  tolerance: number;
  baseline: { seed: number; total: number };
  counts: Record<ChangeKind | 'unchanged', number>;
  /** Regressed first, then improved, new and gone; plan order within each. */
  changes: RunChange[];
}

/** What a run's status says about the subject, worst last: an error is as bad as a failure. */
const RANK: Record<RunStatus, number> = { pass: 0, finding: 1, fail: 2, error: 2 };
const KIND_ORDER: ChangeKind[] = ['regressed', 'improved', 'new', 'gone'];

export function keyNumbers(run: RunResult): KeyNumbers {
  const numbers: KeyNumbers = {};
  const detection = run.verdicts.find((v) => v.check === 'detection');
  if (detection && (typeof detection.measured.detectionMs === 'number' || detection.measured.detectionMs === null)) numbers.detectionMs = detection.measured.detectionMs;
  const client = mainClient(run.trace);
  if (client) {
    const delays = reconnectHistory(run.trace, client).episodes.flatMap((ep) => ep.attempts.map((a) => a.delayMs));
    numbers.reconnects = delays.length;
    numbers.longestWaitMs = maxOf(delays) ?? 0;
  }
  const delivery = buildDelivery(run);
  if (delivery) for (const key of ['lost', 'duplicated', 'unresolved'] as const) numbers[key] = delivery.counts[key];
  return numbers;
}

/** Worse when it went up, or became "never"; a move within the tolerance is no change. */
function compareNumber(before: number | null, after: number | null, tolerance: number): 'worse' | 'better' | 'same' {
  if (before === after) return 'same';
  if (after === null) return 'worse';
  if (before === null) return 'better';
  if (Math.abs(after - before) <= tolerance * Math.max(Math.abs(before), Math.abs(after))) return 'same';
  return after > before ? 'worse' : 'better';
}

function describeNumber(def: (typeof KEY_NUMBERS)[number], before: number | null, after: number | null): string {
  const word = (n: number | null) => (n === null ? 'never' : def.duration ? readableMs(n) : String(n));
  const delta = before !== null && after !== null ? ` (${after > before ? '+' : '-'}${def.duration ? readableMs(Math.abs(after - before)) : Math.abs(after - before)})` : '';
  return `${def.label} ${word(before)} → ${word(after)}${delta}`;
}

/** Per run (matched by id): status flips and the key numbers that moved beyond the tolerance. */
export function diffResults(baseline: ResultsFile, current: ResultsFile, tolerance = 0.1): ResultsDiff {
  const before = new Map(baseline.runs.map((r) => [r.id, r]));
  const seen = new Set<string>();
  const changes: RunChange[] = [];
  let unchanged = 0;
  for (const run of current.runs) {
    seen.add(run.id);
    const old = before.get(run.id);
    if (!old) {
      changes.push({ id: run.id, scenario: run.scenario, file: run.file, kind: 'new', before: null, after: run.status, numbers: [] });
      continue;
    }
    const was = keyNumbers(old);
    const now = keyNumbers(run);
    const numbers: NumberChange[] = [];
    for (const def of KEY_NUMBERS) {
      const [b, a] = [was[def.key], now[def.key]];
      if (b === undefined || a === undefined) continue;
      const moved = compareNumber(b, a, tolerance);
      if (moved !== 'same') numbers.push({ key: def.key, label: def.label, before: b, after: a, text: describeNumber(def, b, a), worse: moved === 'worse' });
    }
    const flip = RANK[run.status] - RANK[old.status];
    const kind = flip > 0 || (flip === 0 && numbers.some((n) => n.worse)) ? 'regressed' : flip < 0 || numbers.length ? 'improved' : undefined;
    if (kind) changes.push({ id: run.id, scenario: run.scenario, file: run.file, kind, before: old.status, after: run.status, numbers });
    else unchanged++;
  }
  for (const old of baseline.runs) {
    if (!seen.has(old.id)) changes.push({ id: old.id, scenario: old.scenario, file: old.file, kind: 'gone', before: old.status, after: null, numbers: [] });
  }
  changes.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  const count = (kind: ChangeKind) => changes.filter((c) => c.kind === kind).length;
  return {
    tolerance,
    baseline: { seed: baseline.seed, total: baseline.runs.length },
    counts: { regressed: count('regressed'), improved: count('improved'), new: count('new'), gone: count('gone'), unchanged },
    changes,
  };
}

/** `--tolerance 10%` or `--tolerance 0.1`: a fraction from 0 to 1. */
export function parseTolerance(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]) / (m[2] ? 100 : 1);
  return value >= 0 && value <= 1 ? value : undefined;
}
