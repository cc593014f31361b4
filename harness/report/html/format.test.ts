import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readableMs } from '../../util/duration.ts';
import { packTimes } from './thin.ts';

/** The page's pure helpers run in the browser; these keep them in step with their TypeScript counterparts. */
const page = new Function(`${fs.readFileSync(new URL('./assets/format.js', import.meta.url), 'utf8')}; return { fmtDuration, unpackTimes, fitLeft };`)() as {
  fmtDuration: (ms: number) => string;
  unpackTimes: (dt: number[]) => number[];
  fitLeft: (x: number, width: number, left: number, right: number, pad: number) => number;
};

describe('the page formats durations as flatline does', () => {
  it.each([0, 1, 250, 999.6, 1000, 4_001, 59_999, 190_000, 478_529, 3_600_000, 5_430_001, 432_000_000, -120_000, Number.NaN, Number.POSITIVE_INFINITY])('%s', (ms) => {
    expect(page.fmtDuration(ms)).toBe(readableMs(ms));
  });
});

describe('mark times', () => {
  it('travel as seconds since the previous mark and come back exact to the millisecond', () => {
    const times = [0, 1, 999, 180_000, 360_000, 360_001, 1_295_999_999, 1_296_000_000];
    expect(packTimes([30_000, 210_000, 390_000])).toEqual([30, 180, 180]);
    expect(page.unpackTimes(packTimes(times))).toEqual(times);
    const dense = Array.from({ length: 10_000 }, (_, i) => i * 7 + (i % 3));
    expect(page.unpackTimes(packTimes(dense))).toEqual(dense);
  });
});

describe('chart labels', () => {
  it('stay whole inside the plot: an "outage 2" label at the right edge moves left, one at the left edge right', () => {
    // A plot from 60 to 660 px, a label 56 px wide.
    expect(page.fitLeft(300, 56, 60, 660, 2)).toBe(300);
    expect(page.fitLeft(640, 56, 60, 660, 2)).toBe(602);
    expect(page.fitLeft(40, 56, 60, 660, 2)).toBe(62);
  });
});
