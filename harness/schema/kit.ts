import * as v from 'valibot';
import { didYouMean } from '../util/closest.ts';
import { toMs, type Duration } from '../util/duration.ts';

/**
 * Building blocks for flatline's option and scenario schemas (valibot). Every schema built from
 * them rejects what it does not know and says, in its message, what was meant: a misspelt field
 * names the closest known one, a misspelt word the closest allowed one. Messages describe the
 * field; `formatIssues` puts the field's path in front.
 */

/** An object that takes exactly `entries`; `what` names it in messages ("a send step"). */
export function strict<const E extends v.ObjectEntries>(entries: E, what: string) {
  const keys = Object.keys(entries);
  return v.strictObject(entries, (issue) => {
    if (issue.expected === 'never') return `unknown field${didYouMean(String(issue.input), keys)} (${what} takes ${keys.join(', ')})`;
    if (issue.expected?.startsWith('"')) return `is required (${what} needs ${issue.expected})`;
    return `must be ${what}, an object with ${keys.join(', ')} (got ${issue.received})`;
  });
}

/** One of a fixed set of words; `what` names the set ("a stop mode"). */
export function word<const T extends readonly [string, ...string[]]>(values: T, what: string) {
  return v.picklist(values, (issue) => `${issue.received} is not ${what}${typeof issue.input === 'string' ? didYouMean(issue.input, values) : ''} (one of ${values.map((x) => `"${x}"`).join(', ')})`);
}

/**
 * One of several object shapes told apart by `key` ("do", "check"): an unknown tag names the
 * closest known one, and the chosen shape is strict.
 */
export function tagged<const K extends string, const O extends v.VariantOptions<K>>(key: K, options: O, what: string) {
  const tags = options.map((o) => String((o as unknown as { entries: Record<K, v.LiteralSchema<string, undefined>> }).entries[key].literal));
  return v.variant(key, options, (issue) => {
    // with a path, the issue is about the tag itself: missing or unknown
    if (issue.path && issue.input === undefined) return `is required (${what} needs "${key}": one of ${tags.join(', ')})`;
    if (issue.path) return `${issue.received} is not ${what}${typeof issue.input === 'string' ? didYouMean(issue.input, tags) : ''} (one of ${tags.join(', ')})`;
    return `must be ${what}, an object like { ${key}: "${tags[0]}", ... } (got ${issue.received})`;
  });
}

/** A duration as people write it ("3m", "10s", "250ms", "1h30m") or milliseconds. */
export const duration = v.custom<Duration>(
  (input) => {
    if (typeof input !== 'string' && typeof input !== 'number') return false;
    try {
      toMs(input);
      return true;
    } catch {
      return false;
    }
  },
  (issue) => `must be a duration like "3m", "10s", "250ms" or milliseconds (got ${issue.received})`,
);

/** A duration longer than zero (an interval of 0 would spin). */
export const positiveDuration = v.pipe(
  duration,
  v.check((d) => toMs(d) > 0, (issue) => `must be longer than 0 (got ${issue.received}); write it like "10s"`),
);

/** A number with bounds, saying what it counts and, when it is out of them, which bound it broke. */
/** The longest a timer can wait: setTimeout's 2^31 - 1 ms (about 24.8 days). */
export const TIMER_MAX_MS = 2 ** 31 - 1;

/** A positive duration a timer can hold (a NAT timeout, a path latency): at most 2^31 - 1 ms. */
export const timerDuration = v.pipe(
  positiveDuration,
  v.check((d) => toMs(d) <= TIMER_MAX_MS, (issue) => `must be at most ${TIMER_MAX_MS} ms (about 24.8 days, the longest a timer can wait; got ${issue.received})`),
);

/** Like timerDuration, but 0 is allowed (no latency). */
export const timerDelay = v.pipe(
  duration,
  v.check((d) => toMs(d) <= TIMER_MAX_MS, (issue) => `must be at most ${TIMER_MAX_MS} ms (about 24.8 days, the longest a timer can wait; got ${issue.received})`),
);

export function count(what: string, { min = 0, max = Number.MAX_SAFE_INTEGER, integer = true }: { min?: number; max?: number; integer?: boolean } = {}) {
  const kind = `${integer ? 'a whole number' : 'a number'} of ${what}`;
  // a small range reads best whole; a huge ceiling (a timer's 2^31-1 ms) only matters when it is passed
  const shape = max <= 1_000_000 ? `${kind} from ${min} to ${max}` : `${kind} >= ${min}`;
  return v.pipe(
    v.number((issue) => `must be ${shape} (got ${issue.received})`),
    v.check(
      // Infinity stands for "never" (maxAttempts, maxRetries) where no ceiling is set
      (n) => (n === Number.POSITIVE_INFINITY ? max === Number.MAX_SAFE_INTEGER : (!integer || Number.isInteger(n)) && n >= min && n <= max),
      (issue) => `must be ${(issue.input as number) > max && max > 1_000_000 ? `${kind} <= ${max}` : shape} (got ${issue.received})`,
    ),
  );
}

export function text(what: string) {
  return v.pipe(
    v.string((issue) => `must be ${what}, a string (got ${issue.received})`),
    v.check((s) => s.trim() !== '', `must be ${what}, not empty`),
  );
}

export function flag(what: string) {
  return v.boolean((issue) => `must be true or false: ${what} (got ${issue.received})`);
}
