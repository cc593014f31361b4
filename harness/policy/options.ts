import { toMs, type Duration } from '../util/duration.ts';
import { FlatlineError } from '../util/errors.ts';

/**
 * Up-front validation shared by the policies. `where` names the option group as the user wrote it
 * ("backoff", "clients.tcp.heartbeat in scenarios/nat.ts") so every message points at the field.
 */

/** An invalid policy option: says which option, what it got, and what to write instead. */
export function optionError(where: string, name: string, problem: string): FlatlineError {
  return new FlatlineError('FLATLINE_ERR_CLIENT', `${where}.${name} ${problem}`);
}

/** Rejects misspelt keys, which would otherwise silently fall back to a default. */
export function rejectUnknownKeys(options: object, known: readonly string[], where: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new FlatlineError('FLATLINE_ERR_CLIENT', `${where}: unknown option "${key}"; known options are ${known.join(', ')}`);
    }
  }
}

/** A duration that must be longer than zero (an interval of 0 would spin). */
export function positiveMs(value: Duration, where: string, name: string): number {
  const ms = toMs(value, `${where}.${name}`);
  if (ms <= 0) throw optionError(where, name, `must be longer than 0 (got ${JSON.stringify(value)}); write it like "10s"`);
  return ms;
}

/** A count of tries: a whole number >= 0, or Infinity for "never give up". */
export function tryCount(value: number, where: string, name: string): number {
  if (value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 0)) return value;
  throw optionError(where, name, `must be a whole number >= 0, or Infinity to never give up (got ${value})`);
}

/** One of a fixed set of words. */
export function oneOf<T extends string>(value: T, allowed: readonly T[], where: string, name: string): T {
  if (allowed.includes(value)) return value;
  throw optionError(where, name, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')} (got ${JSON.stringify(value)})`);
}
