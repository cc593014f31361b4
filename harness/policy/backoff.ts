import * as v from 'valibot';
import { count, duration, flag, positiveDuration, strict, word } from '../schema/kit.ts';
import type { Clock } from '../clock/clock.ts';
import { toMs, type Duration } from '../util/duration.ts';
import type { Rng } from '../util/rng.ts';
import { oneOf, optionError, positiveMs, rejectUnknownKeys, tryCount } from './options.ts';

/**
 * How a delay is spread (AWS, "Exponential Backoff and Jitter"), with expo = min(cap, base * factor^n):
 * - none: expo, exactly;
 * - full: U(0, expo);
 * - equal: expo/2 + U(0, expo/2);
 * - decorrelated: min(cap, U(base, previous * 3)), previous starting at base (ignores factor).
 */
export type Jitter = 'none' | 'full' | 'equal' | 'decorrelated';

export interface BackoffOptions {
  /** The first retry happens at once (delay 0), the exponential schedule starts with the second. Default true. */
  immediateFirst?: boolean;
  /** The first exponential delay. Default '2s'. */
  base?: Duration;
  /** Growth per retry, >= 1. Default 2. */
  factor?: number;
  /** No delay exceeds this. Default '64s'. */
  cap?: Duration;
  /** Retries before giving up; Infinity never gives up. Default Infinity. */
  maxAttempts?: number;
  /** Default 'none'. */
  jitter?: Jitter;
  /** A connection that stayed up this long starts the schedule again. Default '30s'; '0s' resets on every connect. */
  resetAfter?: Duration;
}

/** The policy's options as a scenario writes them (bounds between them are checked when it is built). */
export const backoffOptionsEntries = {
  immediateFirst: v.optional(flag('immediateFirst')),
  base: v.optional(positiveDuration),
  factor: v.optional(count('growth per retry', { min: 1, integer: false })),
  cap: v.optional(duration),
  maxAttempts: v.optional(count('attempts')),
  jitter: v.optional(word(['none', 'full', 'equal', 'decorrelated'], 'a jitter')),
  resetAfter: v.optional(duration),
};

export const backoffOptionsSchema = strict(backoffOptionsEntries, 'a backoff policy') satisfies v.GenericSchema<BackoffOptions>;

export interface ResolvedBackoffOptions {
  immediateFirst: boolean;
  baseMs: number;
  factor: number;
  capMs: number;
  maxAttempts: number;
  jitter: Jitter;
  resetAfterMs: number;
}

/** One scheduled reconnect: attempt 1 is the first retry after a loss. */
export interface Retry {
  attempt: number;
  delayMs: number;
}

/** The delays a retry may take, both inclusive, in whole milliseconds. */
export interface DelayBounds {
  min: number;
  max: number;
}

/** Named schedules; pass one to Backoff or spread it and override a field. */
export const backoffPresets = {
  /** The IM clients of the seed articles: at once, then 2, 4, 8, 16, 32, 64 s, then give up (7 retries). */
  im: { immediateFirst: true, base: '2s', factor: 2, cap: '64s', maxAttempts: 7, jitter: 'none', resetAfter: '30s' },
  /** For fleets: no immediate retry and full jitter, so a server restart is not met by every client at once; never gives up. */
  gentle: { immediateFirst: false, base: '2s', factor: 2, cap: '64s', maxAttempts: Number.POSITIVE_INFINITY, jitter: 'full', resetAfter: '30s' },
} as const satisfies Record<string, Required<BackoffOptions>>;

const KEYS = ['immediateFirst', 'base', 'factor', 'cap', 'maxAttempts', 'jitter', 'resetAfter'] as const;
const JITTERS: readonly Jitter[] = ['none', 'full', 'equal', 'decorrelated'];

export function resolveBackoffOptions(options: BackoffOptions = {}, where = 'backoff'): ResolvedBackoffOptions {
  rejectUnknownKeys(options, KEYS, where);
  const immediateFirst = options.immediateFirst ?? true;
  if (typeof immediateFirst !== 'boolean') throw optionError(where, 'immediateFirst', `must be true or false (got ${JSON.stringify(immediateFirst)})`);
  const baseMs = positiveMs(options.base ?? '2s', where, 'base');
  const factor = options.factor ?? 2;
  if (!(Number.isFinite(factor) && factor >= 1)) throw optionError(where, 'factor', `must be >= 1 (got ${factor})`);
  const capMs = toMs(options.cap ?? '64s', `${where}.cap`);
  if (capMs < baseMs) throw optionError(where, 'cap', `must be >= ${where}.base (got cap ${capMs}ms, base ${baseMs}ms)`);
  return {
    immediateFirst,
    baseMs,
    factor,
    capMs,
    maxAttempts: tryCount(options.maxAttempts ?? Number.POSITIVE_INFINITY, where, 'maxAttempts'),
    jitter: oneOf(options.jitter ?? 'none', JITTERS, where, 'jitter'),
    resetAfterMs: toMs(options.resetAfter ?? '30s', `${where}.resetAfter`),
  };
}

/** Which exponential step a retry is: 0 for the immediate first retry, then 1, 2, ... */
function step(options: ResolvedBackoffOptions, attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 1) throw new RangeError(`backoff attempt must be a whole number >= 1 (got ${attempt})`);
  return options.immediateFirst ? attempt - 1 : attempt;
}

function exponential(options: ResolvedBackoffOptions, n: number): number {
  return Math.min(options.capMs, options.baseMs * options.factor ** (n - 1));
}

/**
 * What the policy allows for `attempt`, without drawing anything: checks compare an observed
 * schedule with it. Exact (min = max) without jitter. Delays are rounded to whole milliseconds,
 * and rounding keeps every draw inside the rounded bounds.
 */
export function backoffBounds(options: ResolvedBackoffOptions, attempt: number): DelayBounds {
  const n = step(options, attempt);
  if (n === 0) return { min: 0, max: 0 };
  const expo = exponential(options, n);
  switch (options.jitter) {
    case 'none':
      return { min: Math.round(expo), max: Math.round(expo) };
    case 'full':
      return { min: 0, max: Math.round(expo) };
    case 'equal':
      return { min: Math.round(expo / 2), max: Math.round(expo) };
    case 'decorrelated':
      // Each draw is below 3x the previous one, which is at most base * 3^(n-1).
      return { min: Math.round(options.baseMs), max: Math.round(Math.min(options.capMs, options.baseMs * 3 ** n)) };
  }
}

/**
 * The delay to draw on a chart as "expected": exact without jitter, the mean for full and equal
 * jitter, the middle of the bounds for decorrelated (its mean depends on the earlier draws).
 */
export function expectedDelay(options: ResolvedBackoffOptions, attempt: number): number {
  const { min, max } = backoffBounds(options, attempt);
  return (min + max) / 2;
}

/**
 * A reconnect schedule. After a loss the client calls connectionLost() then next(), and waits
 * delayMs before attempt `attempt`; undefined means give up. connectionOpened() on every
 * successful connect lets a connection that stays up resetAfter restart the schedule.
 */
export class Backoff {
  readonly options: ResolvedBackoffOptions;
  private readonly clock: Clock;
  private readonly rng: Rng;
  private count = 0;
  /** Decorrelated jitter's previous delay, unrounded. */
  private previous: number;
  private openedAt: number | undefined;

  constructor(options: BackoffOptions, deps: { clock: Clock; rng: Rng }) {
    this.options = resolveBackoffOptions(options);
    this.clock = deps.clock;
    this.rng = deps.rng;
    this.previous = this.options.baseMs;
  }

  /** Retries handed out since the last reset. */
  get attempts(): number {
    return this.count;
  }

  next(): Retry | undefined {
    if (this.count >= this.options.maxAttempts) return undefined;
    const attempt = ++this.count;
    return { attempt, delayMs: this.draw(attempt) };
  }

  reset(): void {
    this.count = 0;
    this.previous = this.options.baseMs;
  }

  bounds(attempt: number): DelayBounds {
    return backoffBounds(this.options, attempt);
  }

  expected(attempt: number): number {
    return expectedDelay(this.options, attempt);
  }

  connectionOpened(): void {
    this.openedAt = this.clock.now();
  }

  /**
   * The connection closed or died. Decided here rather than by a timer set on open: nothing
   * reads the schedule while connected, and a timer per connection would only add work to
   * long virtual runs.
   */
  connectionLost(): void {
    if (this.openedAt !== undefined && this.clock.now() - this.openedAt >= this.options.resetAfterMs) this.reset();
    this.openedAt = undefined;
  }

  private draw(attempt: number): number {
    const o = this.options;
    const n = step(o, attempt);
    if (n === 0) return 0;
    const expo = exponential(o, n);
    switch (o.jitter) {
      case 'none':
        return Math.round(expo);
      case 'full':
        return Math.round(this.rng.uniform(0, expo));
      case 'equal':
        return Math.round(expo / 2 + this.rng.uniform(0, expo / 2));
      case 'decorrelated':
        this.previous = Math.min(o.capMs, this.rng.uniform(o.baseMs, this.previous * 3));
        return Math.round(this.previous);
    }
  }
}
