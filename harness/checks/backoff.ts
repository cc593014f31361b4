import type { TraceEvent } from '../trace/trace.ts';
import { formatMs } from '../util/duration.ts';
import { FlatlineError } from '../util/errors.ts';
import { maxOf } from '../util/max.ts';
import { traceEnd } from './moment.ts';
import { reconnectHistory, type ReconnectEpisode } from './reconnects.ts';
import { errored, judge, plural, type Verdict } from './verdict.ts';

export interface DelayBounds {
  min: number;
  max: number;
}

/**
 * The reconnect schedule a client promises, as plain data (independent of harness/policy).
 * Delays are per attempt of an outage, attempt 1 first; the last entry repeats, so it is the cap.
 */
export interface BackoffExpectation {
  /** Without jitter: the delay before each attempt, e.g. [0, 2000, 4000, 8000]. */
  exact?: number[];
  /** With jitter: the range each attempt's delay must fall in. */
  bounds?: DelayBounds[];
  /** Slack either side of every expected delay; default 0 (virtual time is exact). */
  toleranceMs?: number;
  /** The client gives up after this many attempts; omitted: it never gives up. */
  giveUpAfter?: number;
  /** A connection must last this long to reset the attempt counter to 1; default 0. */
  resetAfterMs?: number;
}

export interface BackoffOptions {
  /** The client's trace source, e.g. "client:tcp-1". */
  client: string;
  expect: BackoffExpectation;
  /** When the run ended, if later than its last event. */
  endAt?: number;
}

/** Rejects an expectation that cannot be judged against, saying what to change. */
export function validateBackoffExpectation(expect: BackoffExpectation): void {
  const bad = (what: string) => new FlatlineError('FLATLINE_ERR_USAGE', `backoff expectation: ${what}`);
  const isDelay = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  if (expect.exact && expect.bounds) throw bad('give either exact (no jitter) or bounds (jitter), not both');
  const list = expect.exact ?? expect.bounds;
  if (list && list.length === 0) throw bad('the delay list is empty; give at least the first delay');
  if (expect.exact && !expect.exact.every(isDelay)) throw bad('exact delays must be non-negative milliseconds');
  if (expect.bounds && !expect.bounds.every((b) => isDelay(b.min) && isDelay(b.max) && b.min <= b.max)) {
    throw bad('each bound must be { min, max } in non-negative milliseconds with min <= max');
  }
  for (const key of ['toleranceMs', 'resetAfterMs'] as const) {
    if (expect[key] !== undefined && !isDelay(expect[key])) throw bad(`${key} must be non-negative milliseconds`);
  }
  if (expect.giveUpAfter !== undefined && !(Number.isInteger(expect.giveUpAfter) && expect.giveUpAfter > 0)) {
    throw bad('giveUpAfter must be a positive whole number of attempts');
  }
}

/**
 * Observed reconnects against the promised schedule: each attempt's delay, its number (the counter
 * restarts at 1 after a stable connection), the give-up, no reconnect after the user's disconnect,
 * and no outage left waiting longer than the next delay allows.
 */
export function checkBackoff(events: readonly TraceEvent[], options: BackoffOptions): Verdict {
  const check = 'backoff';
  const { expect, client } = options;
  validateBackoffExpectation(expect);
  const history = reconnectHistory(events, client, { stableMs: expect.resetAfterMs ?? 0 });
  const { episodes } = history;
  if (episodes.length === 0 && history.afterUserDisconnect === 0) {
    return errored(check, `${client} never lost a connection: nothing to judge; check the scenario breaks the link`);
  }
  const schedule = expectedDelays(expect);
  const end = Math.max(options.endAt ?? 0, traceEnd(events));
  const problems = episodes.flatMap((ep, i) =>
    [...attemptProblems(ep, schedule), ...giveUpProblems(ep, expect.giveUpAfter, end), ...overdue(ep, schedule, expect.giveUpAfter, end)].map((p) => `outage ${i + 1}: ${p}`),
  );
  if (history.afterUserDisconnect > 0) problems.push(`${plural(history.afterUserDisconnect, 'reconnect attempt')} after the user asked to disconnect`);

  const delays = episodes.flatMap((ep) => ep.attempts.map((a) => a.delayMs));
  const maxDelayMs = maxOf(delays) ?? null;
  const gaveUp = episodes.filter((ep) => ep.end === 'gave_up').length;
  const onSchedule =
    `${plural(delays.length, 'reconnect attempt')} in ${plural(episodes.length, 'outage')} on schedule` +
    (maxDelayMs === null ? '' : ` (longest wait ${formatMs(maxDelayMs)})`) +
    (gaveUp ? `; gave up after ${expect.giveUpAfter} as expected` : '');
  return judge(check, problems.length === 0, {
    summary: problems.length ? `${problems[0]}${problems.length > 1 ? ` (+${problems.length - 1} more)` : ''}` : onSchedule,
    measured: {
      outages: episodes.length,
      attempts: delays.length,
      gaveUp,
      afterUserDisconnect: history.afterUserDisconnect,
      maxDelayMs,
      delays: episodes.map((ep) => ep.attempts.map((a) => formatMs(a.delayMs)).join(' ')).join(' | '),
      problems: problems.length,
      firstProblem: problems[0] ?? null,
    },
    bound: {
      schedule: schedule ? `${schedule.entries.map(describeDelay).join(', ')} (last repeats)` : null,
      toleranceMs: schedule?.toleranceMs ?? null,
      giveUpAfter: expect.giveUpAfter ?? null,
      resetAfterMs: expect.resetAfterMs ?? 0,
    },
  });
}

interface Schedule {
  entries: DelayBounds[];
  toleranceMs: number;
}

function expectedDelays(expect: BackoffExpectation): Schedule | undefined {
  const entries = expect.exact?.map((d) => ({ min: d, max: d })) ?? expect.bounds;
  return entries && { entries, toleranceMs: expect.toleranceMs ?? 0 };
}

/** The entry for the k-th attempt (1-based); past the end of the list, the last one (the cap). */
function entryFor(schedule: Schedule, k: number): DelayBounds {
  return schedule.entries[Math.min(k, schedule.entries.length) - 1]!;
}

/** The entry widened by the tolerance. */
function rangeFor(schedule: Schedule, k: number): DelayBounds {
  const { min, max } = entryFor(schedule, k);
  return { min: min - schedule.toleranceMs, max: max + schedule.toleranceMs };
}

function describeDelay({ min, max }: DelayBounds): string {
  return min === max ? formatMs(min) : `${formatMs(min)}..${formatMs(max)}`;
}

function describeExpected(schedule: Schedule, k: number): string {
  return `${describeDelay(entryFor(schedule, k))}${schedule.toleranceMs ? ` ±${formatMs(schedule.toleranceMs)}` : ''}`;
}

function attemptProblems(episode: ReconnectEpisode, schedule: Schedule | undefined): string[] {
  return episode.attempts.flatMap((a, i) => {
    const k = i + 1;
    const problems: string[] = [];
    if (a.attempt !== k) {
      problems.push(`attempt ${k} was numbered ${a.attempt}${k === 1 ? ' (counter not reset after a stable connection)' : ''}`);
    }
    if (schedule) {
      const range = rangeFor(schedule, k);
      if (a.delayMs < range.min || a.delayMs > range.max) {
        problems.push(`attempt ${k} waited ${formatMs(a.delayMs)}, expected ${describeExpected(schedule, k)}`);
      }
    }
    return problems;
  });
}

function giveUpProblems(episode: ReconnectEpisode, giveUpAfter: number | undefined, end: number): string[] {
  const n = episode.attempts.length;
  if (episode.end === 'gave_up') {
    if (giveUpAfter === undefined) return [`gave up after ${n} attempts; expected to keep trying`];
    if (n !== giveUpAfter) return [`gave up after ${n} attempts, expected after ${giveUpAfter}`];
  } else if (giveUpAfter !== undefined) {
    if (n > giveUpAfter) return [`made ${n} attempts; expected to give up after ${giveUpAfter}`];
    const stillWaiting = episode.waitingSince !== null && end > episode.waitingSince;
    if (n === giveUpAfter && stillWaiting) return [`${n} attempts failed and it did not give up`];
  }
  return [];
}

/** An outage still waiting at the end of the run must not have waited past the next attempt's delay. */
function overdue(episode: ReconnectEpisode, schedule: Schedule | undefined, giveUpAfter: number | undefined, end: number): string[] {
  const k = episode.attempts.length + 1;
  if (!schedule || episode.waitingSince === null || (giveUpAfter !== undefined && k > giveUpAfter)) return [];
  const waited = end - episode.waitingSince;
  return waited > rangeFor(schedule, k).max ? [`no attempt ${k} after waiting ${formatMs(waited)}, expected ${describeExpected(schedule, k)}`] : [];
}
