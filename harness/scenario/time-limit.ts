import * as v from 'valibot';
import { timerDuration } from '../schema/kit.ts';
import { toMs } from '../util/duration.ts';

/** The real time a run gets when neither its scenario nor `--time-limit` names one. */
export const DEFAULT_TIME_LIMIT_MS = 60_000;

/** A scenario's `timeLimit`: real time, held by a real timer (at most 2^31 - 1 ms). */
export const timeLimitSchema = timerDuration;

/**
 * The real time one run of `scenario` may take before its watchdog ends it: the scenario's own
 * `timeLimit` (its author knows what it costs: a fleet of 1,000 socket.io clients is not one
 * client), else `fallbackMs` (`--time-limit`), else 60 s. A `timeLimit` that is not a valid one
 * falls back too: validation reports it as the run's error before anything starts.
 */
export function timeLimitMs(scenario: unknown, fallbackMs = DEFAULT_TIME_LIMIT_MS): number {
  const own = typeof scenario === 'object' && scenario !== null ? (scenario as { timeLimit?: unknown }).timeLimit : undefined;
  return v.is(timeLimitSchema, own) ? toMs(own) : fallbackMs;
}
