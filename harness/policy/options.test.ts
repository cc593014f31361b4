import { describe, expect, it } from 'vitest';
import { isFlatlineError } from '../util/errors.ts';
import { oneOf, positiveMs, rejectUnknownKeys, tryCount } from './options.ts';

function errorOf(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

describe('policy option checks', () => {
  it('accept good values as they mean them', () => {
    expect(positiveMs('1m30s', 'x', 'interval')).toBe(90_000);
    expect(positiveMs(250, 'x', 'interval')).toBe(250);
    expect(tryCount(0, 'x', 'maxRetries')).toBe(0);
    expect(tryCount(Number.POSITIVE_INFINITY, 'x', 'maxRetries')).toBe(Number.POSITIVE_INFINITY);
    expect(oneOf('b', ['a', 'b'], 'x', 'mode')).toBe('b');
    expect(() => rejectUnknownKeys({ a: 1 }, ['a', 'b'], 'x')).not.toThrow();
  });

  it('leave unreadable durations to the duration parser, which names the field', () => {
    const error = errorOf(() => positiveMs('3 minutes', 'clients.ws.heartbeat', 'interval'));
    expect(isFlatlineError(error, 'FLATLINE_ERR_DURATION')).toBe(true);
    expect(error.message).toMatch(/^clients\.ws\.heartbeat\.interval: "3 minutes" is not a duration/);
  });

  it('report client option errors with FLATLINE_ERR_CLIENT, the field and the value', () => {
    const cases: [() => unknown, string][] = [
      [() => positiveMs('0s', 'x', 'interval'), 'x.interval must be longer than 0 (got "0s"); write it like "10s"'],
      [() => tryCount(Number.NaN, 'x', 'maxRetries'), 'x.maxRetries must be a whole number >= 0, or Infinity to never give up (got NaN)'],
      [() => oneOf('c' as 'a', ['a', 'b'], 'x', 'mode'), `x.mode must be one of 'a', 'b' (got "c")`],
      [() => rejectUnknownKeys({ a: 1, c: 2 }, ['a', 'b'], 'x'), 'x: unknown option "c"; known options are a, b'],
    ];
    for (const [fn, message] of cases) {
      const error = errorOf(fn);
      expect(isFlatlineError(error, 'FLATLINE_ERR_CLIENT')).toBe(true);
      expect(error.message).toBe(message);
    }
  });
});
