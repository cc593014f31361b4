import { describe, expect, it } from 'vitest';
import { merge, rows } from './fixture.ts';
import { describeMoment, matches, timeOf, traceEnd } from './moment.ts';

const trace = merge(
  rows('proxy:server', [[100, 'toxic.added', { toxic: 'slow', toxicType: 'latency' }], [500, 'toxic.added', { toxic: 'cut', toxicType: 'down' }]]),
  rows('link:server#1', [[900, 'nat.expired', { link: 'server#1', idleMs: 300_000 }]]),
);

describe('moments', () => {
  it('finds the first event matching type and detail fields', () => {
    expect(timeOf(trace, { type: 'toxic.added' })).toBe(100);
    expect(timeOf(trace, { type: 'toxic.added', toxic: 'cut' })).toBe(500);
    expect(timeOf(trace, { type: 'nat.expired', source: 'link:server#1' })).toBe(900);
    expect(timeOf(trace, { type: 'toxic.added', toxic: 'none' })).toBeUndefined();
    expect(timeOf(trace, 42)).toBe(42);
  });

  it('treats an undefined field as "any"', () => {
    expect(matches(trace[0]!, { type: 'toxic.added', source: undefined })).toBe(true);
  });

  it('describes moments for messages and finds the trace end', () => {
    expect(describeMoment({ type: 'toxic.added', toxic: 'cut' })).toBe('the first toxic.added {toxic: cut}');
    expect(describeMoment(7)).toBe('t=7');
    expect(traceEnd(trace)).toBe(900);
    expect(traceEnd([])).toBe(0);
  });
});
