import { describe, expect, it } from 'vitest';
import { isFlatlineError } from '../util/errors.ts';
import { DEFAULT_TIME_LIMIT_MS, runTimeLimitMs, timeLimitMs } from './time-limit.ts';

describe('timeLimitMs', () => {
  it("takes the run's own limit over the scenario's timeLimit, the scenario's over the default", () => {
    expect(timeLimitMs({ timeLimit: '5m' }, 10_000)).toBe(10_000);
    expect(timeLimitMs({ timeLimit: 2500 }, 90_000)).toBe(90_000);
    expect(timeLimitMs({ timeLimit: '5m' })).toBe(300_000);
    expect(timeLimitMs({}, 10_000)).toBe(10_000);
    expect(timeLimitMs({})).toBe(DEFAULT_TIME_LIMIT_MS);
  });

  it("counts a timeLimit that is not one as none (validation reports it as the run's error)", () => {
    for (const timeLimit of ['soon', 0, -5, '30d']) expect(timeLimitMs({ timeLimit })).toBe(DEFAULT_TIME_LIMIT_MS);
    expect(timeLimitMs(null)).toBe(DEFAULT_TIME_LIMIT_MS);
  });
});

describe('runTimeLimitMs', () => {
  it('reads a run limit as a scenario timeLimit is read, and none as none', () => {
    expect(runTimeLimitMs('2m', '--time-limit', 'FLATLINE_ERR_USAGE')).toBe(120_000);
    expect(runTimeLimitMs(1500, '--time-limit', 'FLATLINE_ERR_USAGE')).toBe(1500);
    expect(runTimeLimitMs(undefined, '--time-limit', 'FLATLINE_ERR_USAGE')).toBeUndefined();
  });

  it.each([
    ['soon', /^--time-limit: must be a duration like/],
    [0, /^--time-limit: must be longer than 0/],
    ['30d', /^--time-limit: must be at most 2147483647 ms/],
  ])('refuses %j, naming where it came from', (limit, message) => {
    const thrown = (() => {
      try {
        runTimeLimitMs(limit, '--time-limit', 'FLATLINE_ERR_USAGE');
      } catch (err) {
        return err;
      }
    })();
    expect(isFlatlineError(thrown, 'FLATLINE_ERR_USAGE')).toBe(true);
    expect((thrown as Error).message).toMatch(message);
  });
});
