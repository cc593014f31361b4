import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../checks/verdict.ts';
import { summarize, type RunResult } from '../../scenario/results.ts';
import { fakeRun } from '../../../test/support/fake-run.ts';
import { buildReportData, whyLine } from './model.ts';

const verdict = (check: string, status: Verdict['status'], summary: string): Verdict => ({ check, status, summary, measured: {} });

describe('the report data', () => {
  it('lists failing runs first: fail, error, finding, pass, in plan order within each', () => {
    const runs: RunResult[] = [
      fakeRun({ scenario: 'p1' }),
      fakeRun({ scenario: 'f1', status: 'finding' }),
      fakeRun({ scenario: 'x1', status: 'fail' }),
      fakeRun({ scenario: 'e1', status: 'error' }),
      fakeRun({ scenario: 'x2', status: 'fail' }),
      fakeRun({ scenario: 'p2' }),
    ];
    const data = buildReportData({ flatline: '0.1.0', seed: 7, summary: summarize(runs, 5), runs });
    expect(data.runs.map((r) => r.scenario)).toEqual(['x1', 'x2', 'e1', 'f1', 'p1', 'p2']);
    expect(data).toMatchObject({ flatline: '0.1.0', seed: 7, summary: { total: 6, fail: 2 }, matrix: [], gallery: [] });
  });

  it('says why in one line: the error, the first failing verdict, or that all hold', () => {
    expect(whyLine({ status: 'error', verdicts: [], error: { code: 'FLATLINE_ERR_RUN', message: 'boom' } })).toBe('FLATLINE_ERR_RUN: boom');
    const fail = [verdict('delivery', 'pass', 'ok'), verdict('detection', 'fail', 'detected after 35s, bound 1s')];
    expect(whyLine({ status: 'fail', verdicts: fail })).toBe('detection: detected after 35s, bound 1s');
    expect(whyLine({ status: 'error', verdicts: [...fail, verdict('backoff', 'error', 'never lost a connection')] })).toBe('backoff: never lost a connection');
    expect(whyLine({ status: 'pass', verdicts: [verdict('keepalive', 'pass', 'survived 23h idle')] })).toBe('keepalive: survived 23h idle');
    expect(whyLine({ status: 'pass', verdicts: fail.slice(0, 1).concat(fail[0]!) })).toBe('all 2 checks hold');
  });

  it('words durations for reading in the summaries, keeping the measured numbers exact', () => {
    const v: Verdict = { check: 'detection', status: 'fail', summary: 'detected after 7m58s529ms, bound 3m10s', measured: { detectionMs: 478_529 } };
    const [run] = buildReportData({ flatline: '0.1.0', seed: 1, summary: summarize([], 0), runs: [fakeRun({ status: 'fail', verdicts: [v] })] }).runs;
    expect(run!.why).toBe('detection: detected after 7m58.529s, bound 3m10s');
    expect(run!.verdicts[0]).toEqual({ ...v, summary: 'detected after 7m58.529s, bound 3m10s' });
  });

  it('carries what the charts need per run, never the trace itself', () => {
    const trace = Array.from({ length: 20_000 }, (_, i) => ({ t: i * 1000, source: 'client:subject', type: i % 2 ? 'heartbeat.reply' : 'heartbeat.sent' }));
    const [run] = buildReportData({ flatline: '0.1.0', seed: 1, summary: summarize([], 0), runs: [fakeRun({ trace, virtualMs: 20_000_000 })] }).runs;
    expect(run).not.toHaveProperty('trace');
    expect(run!.timeline!.marks.map((m) => [m.kind, m.total])).toEqual([
      ['heartbeat.sent', 10_000],
      ['heartbeat.reply', 10_000],
    ]);
    expect(JSON.stringify(run).length).toBeLessThan(20_000);
  });
});
