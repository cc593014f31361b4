import { describe, expect, it } from 'vitest';
import { checkBackoff } from '../../checks/backoff.ts';
import { rows } from '../../checks/fixture.ts';
import { buildBackoff, parseSchedule } from './backoff.ts';
import { fakeRun } from '../../../test/support/fake-run.ts';

const C = 'client:subject';

/** Two outages: the first takes three attempts (the third one second late), the second one. */
const trace = rows(C, [
  [0, 'connect.attempt', { attempt: 0 }],
  [0, 'connected', { attempt: 0 }],
  [10_000, 'link.dead', { reason: 'closed' }],
  [10_000, 'reconnect.scheduled', { attempt: 1, delayMs: 0 }],
  [10_000, 'connect.attempt', { attempt: 1 }],
  [10_000, 'link.dead', { reason: 'refused' }],
  [10_000, 'reconnect.scheduled', { attempt: 2, delayMs: 2000 }],
  [12_000, 'connect.attempt', { attempt: 2 }],
  [12_000, 'link.dead', { reason: 'refused' }],
  [12_000, 'reconnect.scheduled', { attempt: 3, delayMs: 4000 }],
  [17_000, 'connect.attempt', { attempt: 3 }],
  [17_000, 'connected', { attempt: 3 }],
  [100_000, 'link.dead', { reason: 'closed' }],
  [100_000, 'reconnect.scheduled', { attempt: 1, delayMs: 0 }],
  [100_000, 'connect.attempt', { attempt: 1 }],
  [100_000, 'connected', { attempt: 1 }],
]);
const expect_ = { exact: [0, 2000, 4000] };

describe('the backoff chart data', () => {
  it('puts each attempt of each outage against the range the checked schedule allows', () => {
    const verdict = checkBackoff(trace, { client: C, expect: expect_ });
    expect(verdict.status).toBe('fail');
    const view = buildBackoff(fakeRun({ trace, verdicts: [verdict] }))!;
    expect(view).toMatchObject({ expectation: 'checked', schedule: '0ms, 2s, 4s (last repeats)', status: 'fail', total: 4 });
    expect(view.attempts).toEqual([
      { outage: 1, n: 1, observedMs: 0, announcedMs: 0, expected: { min: 0, max: 0 }, onSchedule: true },
      { outage: 1, n: 2, observedMs: 2000, announcedMs: 2000, expected: { min: 2000, max: 2000 }, onSchedule: true },
      { outage: 1, n: 3, observedMs: 5000, announcedMs: 4000, expected: { min: 4000, max: 4000 }, onSchedule: false },
      { outage: 2, n: 1, observedMs: 0, announcedMs: 0, expected: { min: 0, max: 0 }, onSchedule: true },
    ]);
    expect(view).toMatchObject({ problems: ['outage 1, attempt 3 waited 5s, allowed 4s'], moreProblems: 0 });
  });

  it('lists every problem, not only the first the verdict names, and counts what it cannot list', () => {
    // Ten outages, each with its second attempt 1.5 s late.
    const outages = Array.from({ length: 10 }, (_, i): Parameters<typeof rows>[1] => {
      const t = 100_000 * (i + 1);
      return [
        [t, 'link.dead', { reason: 'closed' }],
        [t, 'connect.attempt', { attempt: 1 }],
        [t, 'link.dead', { reason: 'refused' }],
        [t + 3_500, 'connect.attempt', { attempt: 2 }],
        [t + 3_500, 'connected', { attempt: 2 }],
      ];
    }).flat();
    const late = rows(C, [[0, 'connect.attempt', { attempt: 0 }], [0, 'connected', { attempt: 0 }], ...outages]);
    const verdict = checkBackoff(late, { client: C, expect: { exact: [0, 2000] } });
    expect(verdict.measured.problems).toBe(10);
    expect(verdict.summary).toMatch(/\(\+9 more\)$/);
    const view = buildBackoff(fakeRun({ trace: late, verdicts: [verdict] }))!;
    expect(view.problems).toHaveLength(10);
    expect(view.problems[9]).toBe('outage 10, attempt 2 waited 3.5s, allowed 2s');
    expect(view.moreProblems).toBe(0);
  });

  it('without a backoff check, holds the attempts to what the subject promised', () => {
    const view = buildBackoff(fakeRun({ trace, promised: { backoff: expect_ } }))!;
    expect(view).toMatchObject({ expectation: 'promised', status: 'fail' });
    expect(view.attempts.map((a) => a.onSchedule)).toEqual([true, true, false, true]);
  });

  it('draws the observed delays alone when nothing was promised, and nothing without reconnects', () => {
    const view = buildBackoff(fakeRun({ trace }))!;
    expect(view).toMatchObject({ expectation: 'none', schedule: null, status: null });
    expect(view.attempts.every((a) => a.expected === null && a.onSchedule === null)).toBe(true);
    expect(buildBackoff(fakeRun({ trace: trace.slice(0, 2), promised: { backoff: expect_ } }))).toBeNull();
  });

  it('reads jittered ranges and the tolerance back from the verdict bound', () => {
    expect(parseSchedule({ bound: { schedule: '0ms..1s, 1s..3s, 1m4s (last repeats)', toleranceMs: 500 } })).toEqual({
      entries: [
        { min: 0, max: 1000 },
        { min: 1000, max: 3000 },
        { min: 64_000, max: 64_000 },
      ],
      toleranceMs: 500,
    });
    expect(parseSchedule({ bound: { schedule: 'whenever it likes' } })).toBeUndefined();
    expect(parseSchedule({ bound: { schedule: null } })).toBeUndefined();
  });

  it('widens every range by the tolerance', () => {
    const verdict = checkBackoff(trace, { client: C, expect: { ...expect_, toleranceMs: 1000 } });
    const view = buildBackoff(fakeRun({ trace, verdicts: [verdict] }))!;
    expect(view.status).toBe('pass');
    expect(view.attempts[2]).toMatchObject({ expected: { min: 3000, max: 5000 }, onSchedule: true });
  });
});
