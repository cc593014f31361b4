import { describe, expect, it } from 'vitest';
import { DEFAULT_TIME_LIMIT_MS, timeLimitMs } from './time-limit.ts';

describe('timeLimitMs', () => {
  it("takes the scenario's own timeLimit over the run's, the run's over the default", () => {
    expect(timeLimitMs({ timeLimit: '5m' }, 10_000)).toBe(300_000);
    expect(timeLimitMs({ timeLimit: 2500 }, 90_000)).toBe(2500);
    expect(timeLimitMs({}, 10_000)).toBe(10_000);
    expect(timeLimitMs({})).toBe(DEFAULT_TIME_LIMIT_MS);
  });

  it('falls back where the timeLimit is not one (validation reports it as the run\'s error)', () => {
    for (const timeLimit of ['soon', 0, -5, '30d']) expect(timeLimitMs({ timeLimit }, 10_000)).toBe(10_000);
    expect(timeLimitMs(null, 10_000)).toBe(10_000);
  });
});
