import { checkBackoff, type DelayBounds } from '../../checks/backoff.ts';
import { reconnectHistory } from '../../checks/reconnects.ts';
import type { Verdict, VerdictStatus } from '../../checks/verdict.ts';
import type { RunResult } from '../../scenario/results.ts';
import { readableMs, toMs } from '../../util/duration.ts';
import { mainClient } from './timeline.ts';

/** One reconnect attempt on the backoff chart. */
export interface BackoffAttempt {
  /** Which outage (1-based) and which attempt within it (1-based): the schedule restarts per outage. */
  outage: number;
  n: number;
  /** The wait before it, from the failure before it. */
  observedMs: number;
  /** The delay the client announced in reconnect.scheduled, if it did. */
  announcedMs: number | null;
  /** The range the schedule allows, tolerance included; null when nothing was promised. */
  expected: DelayBounds | null;
  onSchedule: boolean | null;
}

export interface BackoffView {
  /** Where the expected delays come from: the run's backoff check, or the subject's promise when no check judged them. */
  expectation: 'checked' | 'promised' | 'none';
  /** The schedule as the check words it: "0ms, 2s, 4s ... (last repeats)". */
  schedule: string | null;
  /** The backoff verdict, or what the promise would have given. */
  status: VerdictStatus | null;
  attempts: BackoffAttempt[];
  /** Attempts in the run; the chart shows the first MAX_BACKOFF_ATTEMPTS. */
  total: number;
  /** Every off-schedule attempt in words, the first MAX_LISTED_PROBLEMS of them (the verdict names only its first). */
  problems: string[];
  /** Problems not listed: off-schedule attempts past the list, and those no delay shows (a give-up, a wrong counter). */
  moreProblems: number;
}

/** Problems listed under the chart; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 50;

/** A chart of more attempts than this is unreadable; a fleet's thousands are summarised by the verdict. */
export const MAX_BACKOFF_ATTEMPTS = 200;

/** Expected against observed reconnect delays; null when the client never reconnected. */
export function buildBackoff(run: RunResult): BackoffView | null {
  const client = mainClient(run.trace);
  if (!client) return null;
  const checked = run.verdicts.find((v) => v.check === 'backoff' && v.bound);
  const promised = run.promised?.backoff;
  // Without a check, the check itself (a pure function of the trace) tells what the promise means.
  const verdict = checked ?? (promised ? checkBackoff(run.trace, { client, expect: promised, endAt: run.virtualMs }) : undefined);
  const schedule = verdict?.bound ? parseSchedule(verdict) : undefined;
  const stableMs = typeof verdict?.bound?.resetAfterMs === 'number' ? verdict.bound.resetAfterMs : 0;

  const attempts = reconnectHistory(run.trace, client, { stableMs }).episodes.flatMap((episode, i) =>
    episode.attempts.map((a, k): BackoffAttempt => {
      const expected = schedule ? expectedFor(schedule, k + 1) : null;
      return {
        outage: i + 1,
        n: k + 1,
        observedMs: a.delayMs,
        announcedMs: a.announcedMs,
        expected,
        onSchedule: expected ? a.delayMs >= expected.min && a.delayMs <= expected.max : null,
      };
    }),
  );
  if (attempts.length === 0) return null;
  const off = attempts.filter((a) => a.onSchedule === false);
  const counted = typeof verdict?.measured.problems === 'number' ? verdict.measured.problems : 0;
  return {
    expectation: schedule ? (checked ? 'checked' : 'promised') : 'none',
    schedule: schedule ? String(verdict!.bound!.schedule) : null,
    status: schedule ? verdict!.status : null,
    attempts: attempts.slice(0, MAX_BACKOFF_ATTEMPTS),
    total: attempts.length,
    problems: off.slice(0, MAX_LISTED_PROBLEMS).map(describeProblem),
    moreProblems: Math.max(counted, off.length) - Math.min(off.length, MAX_LISTED_PROBLEMS),
  };
}

/** "outage 1, attempt 3 waited 5s, allowed 4s". */
function describeProblem(a: BackoffAttempt): string {
  const { min, max } = a.expected!;
  const allowed = min === max ? readableMs(min) : `${readableMs(min)} to ${readableMs(max)}`;
  return `outage ${a.outage}, attempt ${a.n} waited ${readableMs(a.observedMs)}, allowed ${allowed}`;
}

interface Schedule {
  entries: DelayBounds[];
  toleranceMs: number;
}

/**
 * The delays a backoff verdict was judged against, read back from its bound: `schedule` lists
 * them as the check formats them ("0ms, 2s, 1s..3s (last repeats)"), `toleranceMs` widens each.
 */
export function parseSchedule(verdict: Pick<Verdict, 'bound'>): Schedule | undefined {
  const text = verdict.bound?.schedule;
  if (typeof text !== 'string') return undefined;
  try {
    const entries = text
      .replace(/ \(last repeats\)$/, '')
      .split(', ')
      .map((part) => {
        const [min, max = min] = part.split('..');
        return { min: toMs(min!), max: toMs(max) };
      });
    const tolerance = verdict.bound?.toleranceMs;
    return { entries, toleranceMs: typeof tolerance === 'number' ? tolerance : 0 };
  } catch {
    return undefined; // not the check's wording: draw the observed delays alone
  }
}

/** The range for the k-th attempt of an outage; past the list, its last entry (the cap). */
function expectedFor(schedule: Schedule, k: number): DelayBounds {
  const { min, max } = schedule.entries[Math.min(k, schedule.entries.length) - 1]!;
  return { min: Math.max(0, min - schedule.toleranceMs), max: max + schedule.toleranceMs };
}
