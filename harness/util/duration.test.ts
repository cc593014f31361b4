import { describe, expect, it } from 'vitest';
import { formatMs, readableDurations, readableMs, toMs } from './duration.ts';

describe('readable durations', () => {
  it.each([
    [478_529, '7m58.529s'],
    [478_500, '7m58.5s'],
    [4_001, '4.001s'],
    [59_950, '59.95s'],
    [190_000, '3m10s'],
    [180_005, '3m0.005s'],
    [250, '250ms'],
    [999.6, '1s'],
    [0, '0ms'],
    [90_061_001, '1d1h1m1.001s'],
    [-120_000, '-2m'],
  ])('%s ms reads %s, and toMs reads it back', (ms, words) => {
    expect(readableMs(ms)).toBe(words);
    expect(Math.round(toMs(words.replace(/^-/, '')))).toBe(Math.abs(Math.round(ms)));
  });

  it('rewrites formatMs compounds inside a summary, leaving whole units and plain ms alone', () => {
    const ms = 478_529;
    expect(readableDurations(`detected after ${formatMs(ms)}, bound 3m10s`)).toBe('detected after 7m58.529s, bound 3m10s');
    expect(readableDurations('attempt 3 waited 4s1ms, expected 500ms..1s500ms (3m5ms idle)')).toBe('attempt 3 waited 4.001s, expected 500ms..1.5s (3m0.005s idle)');
    expect(readableDurations('250ms timeout, 12ms late, item5ms')).toBe('250ms timeout, 12ms late, item5ms');
  });
});
