import { describe, expect, it } from 'vitest';
import type { Verdict } from '../checks/verdict.ts';
import { rows } from '../checks/fixture.ts';
import { summarize, type RunResult } from '../scenario/results.ts';
import { fakeRun } from '../../test/support/fake-run.ts';
import { changesText } from './changes-text.ts';
import { diffResults, keyNumbers, parseTolerance } from './diff.ts';

const detection = (ms: number | null, status: Verdict['status'] = 'pass'): Verdict => ({ check: 'detection', status, summary: '', measured: { detectionMs: ms } });
const delivery = (lost: number, duplicated = 0): Verdict => ({
  check: 'delivery',
  status: lost ? 'fail' : 'pass',
  summary: '',
  measured: { attempted: 10, acknowledged: 10, delivered: 10 - lost + duplicated, ok: 10 - lost, lost, unresolved: 0, failed: 0, duplicated, unexpected: 0, recovered: 0, reordered: 0 },
});
const file = (runs: RunResult[]) => ({ flatline: '0.1.0', seed: 1, summary: summarize(runs, 1), runs });
const run = (scenario: string, verdicts: Verdict[], over: Partial<RunResult> = {}) =>
  fakeRun({ scenario, verdicts, status: verdicts.some((v) => v.status === 'fail') ? 'fail' : 'pass', ...over });

const C = 'client:subject';
/** A client that loses its connection at 10 s and retries after each of `waits`. */
const reconnecting = (waits: number[]) => {
  let t = 10_000;
  const events: Parameters<typeof rows>[1] = [[0, 'connect.attempt', { attempt: 0 }], [0, 'connected', { attempt: 0 }], [t, 'link.dead', { reason: 'closed' }]];
  waits.forEach((w, i) => {
    t += w;
    events.push([t, 'connect.attempt', { attempt: i + 1 }], i === waits.length - 1 ? [t, 'connected', { attempt: i + 1 }] : [t, 'link.dead', { reason: 'refused' }]);
  });
  return rows(C, events);
};

describe('the baseline diff', () => {
  it('reads the key numbers of a run: detection, reconnects and waits, lost, duplicated, unresolved', () => {
    expect(keyNumbers(run('a', [detection(190_000), delivery(3, 1)], { trace: reconnecting([0, 2000, 4000]) }))).toEqual({
      detectionMs: 190_000,
      reconnects: 3,
      longestWaitMs: 4000,
      lost: 3,
      duplicated: 1,
      unresolved: 0,
    });
    expect(keyNumbers(run('never', [detection(null)]))).toEqual({ detectionMs: null });
  });

  it('flags a detection 40 s slower and 3 lost messages even when every verdict still holds', () => {
    const before = file([run('slower', [detection(150_000)]), run('lossy', [delivery(0)]), run('same', [detection(100_000)])]);
    const after = file([run('slower', [detection(190_000)]), run('lossy', [{ ...delivery(3), status: 'pass' }]), run('same', [detection(105_000)])]);
    const diff = diffResults(before, after, 0.1);
    expect(diff.counts).toEqual({ regressed: 2, improved: 0, new: 0, gone: 0, unchanged: 1 });
    expect(diff.changes.map((c) => [c.scenario, c.kind, c.before, c.after, c.numbers.map((n) => n.text)])).toEqual([
      ['slower', 'regressed', 'pass', 'pass', ['detection time 2m30s → 3m10s (+40s)']],
      ['lossy', 'regressed', 'pass', 'pass', ['lost 0 → 3 (+3)']],
    ]);
  });

  it('sorts worse, better, new and gone; a status flip outranks the numbers', () => {
    const before = file([run('fixed', [detection(500_000, 'fail')]), run('broke', [detection(100_000)]), run('gone', [])]);
    const after = file([run('new', []), run('fixed', [detection(100_000)]), run('broke', [detection(90_000, 'fail')]), run('never', [detection(null)])]);
    const diff = diffResults({ ...before, runs: [...before.runs, run('never', [detection(60_000)])] }, after, 0);
    expect(diff.changes.map((c) => `${c.kind} ${c.scenario}`)).toEqual(['regressed broke', 'regressed never', 'improved fixed', 'new new', 'gone gone']);
    expect(diff.changes[1]!.numbers[0]!.text).toBe('detection time 1m → never');
  });

  it('counts nothing within the tolerance, everything beyond it', () => {
    const before = file([run('a', [detection(100_000)])]);
    expect(diffResults(before, file([run('a', [detection(109_000)])]), 0.1).counts.unchanged).toBe(1);
    expect(diffResults(before, file([run('a', [detection(112_000)])]), 0.1).counts.regressed).toBe(1);
    expect(diffResults(before, file([run('a', [detection(100_001)])]), 0).counts.regressed).toBe(1);
  });

  it('reads a tolerance as a percentage or a fraction', () => {
    expect([parseTolerance('10%'), parseTolerance('0.25'), parseTolerance('0'), parseTolerance('150%'), parseTolerance('ten')]).toEqual([0.1, 0.25, 0, undefined, undefined]);
  });

  it('prints one line per change and the counts', () => {
    const diff = diffResults(file([run('slower', [detection(150_000)])]), file([run('slower', [detection(190_000, 'fail')])]));
    expect(changesText(diff, 'old/results.json')).toBe(
      '\nchanges since old/results.json\n\nWORSE   slower: pass → fail; detection time 2m30s → 3m10s (+40s)\n\n1 regressed, 0 improved, 0 new, 0 gone, 0 unchanged (tolerance 10%)\n',
    );
  });
});
