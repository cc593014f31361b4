import * as v from 'valibot';
import { timerDuration } from '../schema/kit.ts';
import { parseOrThrow } from '../schema/issues.ts';
import { toMs, type Duration } from '../util/duration.ts';

/** The real time a run gets when neither `--time-limit` nor its scenario names one. */
export const DEFAULT_TIME_LIMIT_MS = 60_000;

/** A scenario's `timeLimit`, and the run's `--time-limit`: real time, held by a real timer (at most 2^31 - 1 ms). */
export const timeLimitSchema = timerDuration;

/**
 * The real time one run of `scenario` may take before its watchdog ends it, first given wins:
 * 1. `overrideMs`, the run's own limit (`--time-limit`, `runFlatline`'s `timeLimit`): the person
 *    running it knows the machine (a slow CI box gives every run more time, whatever its author said);
 * 2. the scenario's `timeLimit`: its author knows what it costs (a fleet of 1,000 socket.io clients
 *    is not one client);
 * 3. 60 s.
 * A `timeLimit` that is not a valid one counts as none: validation reports it as the run's error
 * before anything starts.
 */
export function timeLimitMs(scenario: unknown, overrideMs?: number): number {
  if (overrideMs !== undefined) return overrideMs;
  const own = typeof scenario === 'object' && scenario !== null ? (scenario as { timeLimit?: unknown }).timeLimit : undefined;
  return v.is(timeLimitSchema, own) ? toMs(own) : DEFAULT_TIME_LIMIT_MS;
}

/** A run's own time limit in ms, checked like a scenario's; `where` names it in the error (`--time-limit`). */
export function runTimeLimitMs(limit: Duration | undefined, where: string, code: 'FLATLINE_ERR_USAGE' | 'FLATLINE_ERR_SCENARIO'): number | undefined {
  return limit === undefined ? undefined : toMs(parseOrThrow(timeLimitSchema, limit, where, { code }));
}
