import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/trace.ts';
import { checkHerd } from './herd.ts';
import { fleetMetrics, quantile } from './metrics.ts';

/** A member's life after a crash at 10 s: lost, then attempts at the given times, the last one connecting. */
function life(name: string, attempts: number[], failure = 'ECONNREFUSED'): TraceEvent[] {
  const source = `client:${name}`;
  const events: TraceEvent[] = [
    { t: 0, source, type: 'connect.attempt', attempt: 0 },
    { t: 0, source, type: 'connected', attempt: 0 },
    { t: 10_000, source, type: 'link.dead', reason: 'connection closed by peer' },
  ];
  attempts.forEach((t, i) => {
    events.push({ t, source, type: 'connect.attempt', attempt: i + 1 });
    if (i < attempts.length - 1) events.push({ t, source, type: 'link.dead', reason: failure });
    else events.push({ t, source, type: 'connected', attempt: i + 1 });
  });
  return events;
}
const byTime = (events: TraceEvent[]) => events.sort((a, b) => a.t - b.t);
const names = (...n: string[]) => new Set(n);

describe('fleet metrics', () => {
  it('take a fleet beyond the size a spread of arguments holds: 200,000 members', () => {
    const size = 200_000;
    const trace: TraceEvent[] = [];
    for (let i = 0; i < size; i++) trace.push({ t: 10_000, source: `client:m${i}`, type: 'link.dead', reason: 'ECONNRESET' });
    for (let i = 0; i < size; i++) trace.push({ t: 11_000 + (i % 1000), source: `client:m${i}`, type: 'connected', attempt: 1 });
    const m = fleetMetrics(trace, new Set(Array.from({ length: size }, (_, i) => `m${i}`)), 10_000);
    expect(m).toMatchObject({ affected: size, back: size, mostReconnects: 1, back100: 1_999 });
  });

  it('count attempts per second from the event, the time back, and the wasted attempts by reason', () => {
    const trace = byTime([...life('a', [10_000, 12_000, 14_500]), ...life('b', [10_000, 12_000, 16_000], 'connect ETIMEDOUT'), ...life('c', [10_500, 13_000])]);
    const m = fleetMetrics(trace, names('a', 'b', 'c'), 10_000);
    expect(m.rate).toEqual([3, 0, 2, 1, 1, 0, 1]);
    expect(m).toMatchObject({ affected: 3, back: 3, attempts: 8, peak: 3, back50: 4_500, back100: 6_000, mostReconnects: 1 });
    expect(m.backMs).toEqual([3_000, 4_500, 6_000]);
    expect(m.reconnects).toEqual([0, 0, 0, 1, 1, 0, 1]);
    expect(m.peakReconnects).toBe(1);
    expect(m.wasted).toEqual({ refused: 3, timedOut: 2, other: 0 });
    // 8 attempts over 7 s would be 1.14/s; the busiest second had 3
    expect(m.herdFactor).toBe(2.63);
  });

  it('a member that never comes back leaves back100 empty; members outside the set are not counted', () => {
    const stuck: TraceEvent[] = [
      { t: 0, source: 'client:d', type: 'connected', attempt: 0 },
      { t: 10_000, source: 'client:d', type: 'link.dead', reason: 'closed' },
      { t: 11_000, source: 'client:d', type: 'connect.attempt', attempt: 1 },
    ];
    const trace = byTime([...life('a', [10_000]), ...stuck, ...life('other', [10_000])]);
    const m = fleetMetrics(trace, names('a', 'd'), 10_000);
    expect(m).toMatchObject({ affected: 2, back: 1, attempts: 2, back100: null, back50: 0 });
  });

  it('quantiles are nearest-rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([quantile(sorted, 0.5), quantile(sorted, 0.99), quantile(sorted, 1)]).toEqual([50, 99, 100]);
    expect(quantile([], 0.5)).toBeNull();
  });
});

describe('the herd check', () => {
  const trace = byTime([...life('a', [10_000, 12_000]), ...life('b', [10_000, 12_000])]);
  const herd = (bounds: Parameters<typeof checkHerd>[1]['bounds'], after: Parameters<typeof checkHerd>[1]['after'] = 10_000) =>
    checkHerd(trace, { after, members: names('a', 'b'), label: 'the fleet', bounds });

  it('passes within its bounds and fails past one, naming it', () => {
    expect(herd({ peak: 2, back100: 2_000 })).toMatchObject({ status: 'pass', measured: { peak: 2, back100: 2_000, wasted: 2, refused: 2 } });
    const over = herd({ peak: 1, back99: 1_000 });
    expect(over.status).toBe('fail');
    expect(over.summary).toBe('the fleet: 2 of 2 back, 99% after 2s, all after 2s; peak 2 attempts/s (herd factor 1.5), 2 reconnects/s at most, 4 attempts, 2 wasted; over the bound: peak 2/s > 1/s, back99 2s > 1s');
  });

  it('is an error when the event never happened or reached nobody', () => {
    expect(herd({}, { type: 'server.stopped' })).toMatchObject({ status: 'error', summary: expect.stringContaining('the first server.stopped never happened') });
    expect(herd({}, 60_000)).toMatchObject({ status: 'error', summary: expect.stringContaining('no member of the fleet lost its connection after 1m') });
  });
});
