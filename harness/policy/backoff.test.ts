import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { isFlatlineError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { Backoff, backoffBounds, backoffPresets, expectedDelay, resolveBackoffOptions, type BackoffOptions, type Jitter } from './backoff.ts';

let clock: VirtualClock;
beforeEach(() => {
  clock = VirtualClock.install();
});
afterEach(() => clock.uninstall());

function backoff(options: BackoffOptions = {}, seed = 1): Backoff {
  return new Backoff(options, { clock, rng: new Rng(seed) });
}

/** Delays of the next `n` retries (undefined once it gives up). */
function delays(b: Backoff, n: number): (number | undefined)[] {
  return Array.from({ length: n }, () => b.next()?.delayMs);
}

describe('Backoff schedule', () => {
  it('im preset: at once, then 2, 4, ... 64 s, then gives up', () => {
    const b = backoff(backoffPresets.im);
    expect(delays(b, 9)).toEqual([0, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, undefined, undefined]);
    expect(b.attempts).toBe(7);
  });

  it('numbers attempts from 1 and never gives up by default, holding the cap', () => {
    const b = backoff();
    const retries = Array.from({ length: 30 }, () => b.next());
    expect(retries.map((r) => r?.attempt)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(retries.slice(7).every((r) => r?.delayMs === 64_000)).toBe(true);
  });

  it('starts with base when immediateFirst is off, and grows by factor', () => {
    expect(delays(backoff({ immediateFirst: false, base: '1s', factor: 1.5, cap: '5s' }), 6)).toEqual([1_000, 1_500, 2_250, 3_375, 5_000, 5_000]);
  });

  it('gives up at once with maxAttempts 0', () => {
    expect(backoff({ maxAttempts: 0 }).next()).toBeUndefined();
  });

  it('bounds and expected are exact without jitter and match what next() hands out', () => {
    const b = backoff(backoffPresets.im);
    for (let attempt = 1; attempt <= 7; attempt++) {
      const { delayMs } = b.next()!;
      expect(b.bounds(attempt)).toEqual({ min: delayMs, max: delayMs });
      expect(b.expected(attempt)).toBe(delayMs);
    }
  });

  it('bounds are a pure function of the options, usable by checks', () => {
    const options = resolveBackoffOptions({ jitter: 'equal' });
    expect(backoffBounds(options, 1)).toEqual({ min: 0, max: 0 });
    expect(backoffBounds(options, 4)).toEqual({ min: 4_000, max: 8_000 });
    expect(expectedDelay(options, 4)).toBe(6_000);
    expect(() => backoffBounds(options, 0)).toThrow(RangeError);
  });
});

describe('Backoff jitter', () => {
  const modes: Jitter[] = ['full', 'equal', 'decorrelated'];

  it.each(modes)('%s: every draw over 200 seeds stays within bounds(attempt), across a reset', (jitter) => {
    const outside: string[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const b = backoff({ jitter, base: '1s', cap: '30s' }, seed);
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 10; i++) {
          const { attempt, delayMs } = b.next()!;
          const { min, max } = b.bounds(attempt);
          if (!(Number.isInteger(delayMs) && delayMs >= min && delayMs <= max)) outside.push(`seed ${seed} attempt ${attempt}: ${delayMs} not in [${min}, ${max}]`);
        }
        b.reset();
      }
    }
    expect(outside).toEqual([]);
  });

  it.each(modes)('%s: spreads draws across its bounds rather than sitting at one end', (jitter) => {
    // Attempt 4 with base 1s: expo 4s, decorrelated bound 27s, both under the cap.
    const draws = Array.from({ length: 200 }, (_, seed) => {
      const b = backoff({ jitter, base: '1s', cap: '60s' }, seed);
      delays(b, 3);
      return b.next()!.delayMs;
    });
    const { min, max } = backoffBounds(resolveBackoffOptions({ jitter, base: '1s', cap: '60s' }), 4);
    const quarter = (max - min) / 4;
    expect(draws.some((d) => d < min + quarter)).toBe(true);
    expect(draws.some((d) => d > max - quarter)).toBe(true);
  });

  it.each(modes)('%s: the same seed gives the same schedule, another seed a different one', (jitter) => {
    const schedule = (seed: number) => delays(backoff({ jitter }, seed), 12);
    expect(schedule(42)).toEqual(schedule(42));
    expect(schedule(42)).not.toEqual(schedule(43));
  });

  it('keeps the first retry immediate whatever the jitter', () => {
    for (const jitter of modes) expect(backoff({ jitter }).next()).toEqual({ attempt: 1, delayMs: 0 });
  });

  it('gentle preset: no immediate retry, full jitter, never gives up', () => {
    const b = backoff(backoffPresets.gentle);
    const first = b.next()!;
    expect(first.delayMs).toBeGreaterThanOrEqual(0);
    expect(first.delayMs).toBeLessThanOrEqual(2_000);
    expect(b.bounds(1)).toEqual({ min: 0, max: 2_000 });
    expect(b.options.maxAttempts).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('Backoff reset', () => {
  it('reset() starts the schedule again, also after giving up', () => {
    const b = backoff(backoffPresets.im);
    delays(b, 8);
    b.reset();
    expect(b.attempts).toBe(0);
    expect(delays(b, 2)).toEqual([0, 2_000]);
  });

  it('a connection that stayed up resetAfter resets the schedule; a shorter one does not', async () => {
    const b = backoff();
    delays(b, 3);
    b.connectionOpened();
    await clock.advance(29_999);
    b.connectionLost();
    expect(b.next()).toEqual({ attempt: 4, delayMs: 8_000 });
    b.connectionOpened();
    await clock.advance(30_000);
    b.connectionLost();
    expect(b.next()).toEqual({ attempt: 1, delayMs: 0 });
  });

  it("resetAfter '0s' resets on every successful connect; a failed connect never resets", () => {
    const b = backoff({ resetAfter: '0s' });
    delays(b, 3);
    b.connectionLost();
    expect(b.next()?.attempt).toBe(4);
    b.connectionOpened();
    b.connectionLost();
    expect(b.next()?.attempt).toBe(1);
  });

  it('schedules no timers for the reset rule', () => {
    const b = backoff();
    b.connectionOpened();
    expect(clock.pendingTimers()).toBe(0);
  });
});

describe('resolveBackoffOptions', () => {
  it('defaults: at once, then 2s x2 capped at 64s, no jitter, never give up, reset after 30s', () => {
    expect(resolveBackoffOptions()).toEqual({
      immediateFirst: true,
      baseMs: 2_000,
      factor: 2,
      capMs: 64_000,
      maxAttempts: Number.POSITIVE_INFINITY,
      jitter: 'none',
      resetAfterMs: 30_000,
    });
  });

  it('rejects invalid options with a message naming the option and the value', () => {
    const cases: [BackoffOptions, string][] = [
      [{ factor: 0.5 }, 'backoff.factor must be >= 1 (got 0.5)'],
      [{ factor: Number.NaN }, 'backoff.factor must be >= 1 (got NaN)'],
      [{ base: '10s', cap: '5s' }, 'backoff.cap must be >= backoff.base (got cap 5000ms, base 10000ms)'],
      [{ base: 0 }, 'backoff.base must be longer than 0 (got 0); write it like "10s"'],
      [{ maxAttempts: -1 }, 'backoff.maxAttempts must be a whole number >= 0, or Infinity to never give up (got -1)'],
      [{ maxAttempts: 2.5 }, 'backoff.maxAttempts must be a whole number >= 0, or Infinity to never give up (got 2.5)'],
      [{ jitter: 'random' as Jitter }, `backoff.jitter must be one of 'none', 'full', 'equal', 'decorrelated' (got "random")`],
      [{ immediateFirst: 'yes' as never }, 'backoff.immediateFirst must be true or false (got "yes")'],
      [{ jiter: 'full' } as never, 'backoff: unknown option "jiter"; known options are immediateFirst, base, factor, cap, maxAttempts, jitter, resetAfter'],
    ];
    for (const [options, message] of cases) {
      let error: unknown;
      try {
        resolveBackoffOptions(options);
      } catch (e) {
        error = e;
      }
      expect(isFlatlineError(error, 'FLATLINE_ERR_CLIENT')).toBe(true);
      expect((error as Error).message).toBe(message);
    }
  });

  it('names the place it was given', () => {
    expect(() => resolveBackoffOptions({ factor: 0 }, 'clients.tcp.backoff')).toThrow('clients.tcp.backoff.factor must be >= 1 (got 0)');
  });
});
