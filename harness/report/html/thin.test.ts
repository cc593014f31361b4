import { describe, expect, it } from 'vitest';
import { thinTimes } from './thin.ts';

describe('thinTimes', () => {
  it('leaves a series a chart can show apart unchanged', () => {
    expect(thinTimes([0, 1, 2, 3], 10, 4)).toEqual([0, 1, 2, 3]);
  });

  it('keeps the first time in each bucket of endMs / buckets', () => {
    // buckets of 25 ms: [0, 25) [25, 50) [50, 75) [75, 100); the end itself starts one more
    expect(thinTimes([0, 5, 10, 30, 31, 60, 99, 100], 100, 4)).toEqual([0, 30, 60, 99, 100]);
  });

  it('never keeps more than one mark per bucket, however dense the series', () => {
    const times = Array.from({ length: 1380 }, (_, i) => i * 1000);
    const kept = thinTimes(times, 1_800_000, 600);
    expect(kept.length).toBeLessThanOrEqual(600);
    expect(kept[0]).toBe(0);
    expect(new Set(kept.map((t) => Math.floor(t / 3000))).size).toBe(kept.length);
  });
});
