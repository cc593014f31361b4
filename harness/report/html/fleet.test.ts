import { describe, expect, it } from 'vitest';
import { fakeRun } from '../../../test/support/fake-run.ts';
import { checkHerd } from '../../fleet/herd.ts';
import type { TraceEvent } from '../../trace/trace.ts';
import { buildFleetLines, cdfOf } from './fleet.ts';

describe('the fleet page data', () => {
  it('a CDF keeps at most its points, evenly by rank, and always the last member', () => {
    const back = Array.from({ length: 1000 }, (_, i) => i * 10);
    const cdf = cdfOf(back, 1000, 200);
    expect(cdf).toHaveLength(200);
    expect(cdf[0]).toEqual([40, 0.005]);
    expect(cdf.at(-1)).toEqual([9990, 1]);
    // a member that never came back keeps the curve below 100 %
    expect(cdfOf([5, 7], 3).at(-1)).toEqual([7, 2 / 3]);
    expect(cdfOf([], 3)).toEqual([]);
  });

  it('one line per run judged by a herd check, labelled by its matrix cell, measured after the verdict’s event', () => {
    const trace: TraceEvent[] = [
      { t: 0, source: 'client:tcp-0', type: 'connected', attempt: 0 },
      { t: 0, source: 'client:tcp-1', type: 'connected', attempt: 0 },
      { t: 5_000, source: 'client:tcp-0', type: 'link.dead', reason: 'closed' },
      { t: 5_000, source: 'client:tcp-1', type: 'link.dead', reason: 'closed' },
      { t: 6_000, source: 'client:tcp-0', type: 'connect.attempt', attempt: 1 },
      { t: 6_000, source: 'client:tcp-0', type: 'connected', attempt: 1 },
      { t: 8_500, source: 'client:tcp-1', type: 'connect.attempt', attempt: 1 },
      { t: 8_500, source: 'client:tcp-1', type: 'connected', attempt: 1 },
    ];
    const herd = { check: 'herd', status: 'pass' as const, summary: '', measured: { at: 5_000 } };
    const lines = buildFleetLines([fakeRun({ trace, cell: { jitter: 'full' }, verdicts: [herd] }), fakeRun({ trace, verdicts: [{ ...herd, check: 'delivery' }] })]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ label: 'tcp jitter=full', at: 5_000, rate: [0, 1, 0, 1], reconnects: [0, 1, 0, 1], attempts: 2, affected: 2, back: 2, back100: 3_500, cdf: [[1_000, 0.5], [3_500, 1]] });
    // the row of numbers is the herd verdict's own, every one of them
    const { measured } = checkHerd(trace, { after: 5_000, members: new Set(['tcp-0', 'tcp-1']), label: 'the fleet', bounds: {} });
    expect(Object.keys(measured).length).toBeGreaterThan(10);
    expect(lines[0]).toMatchObject(measured);
  });
});
