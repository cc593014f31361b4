import { describe, expect, it } from 'vitest';
import type { Verdict } from '../checks/verdict.ts';
import { summarize } from '../scenario/results.ts';
import { fakeRun } from '../../test/support/fake-run.ts';
import { ansi, paintFor, plain } from './colour.ts';
import { clip, progressLine, summaryText } from './summary.ts';

const failed: Verdict = { check: 'detection', status: 'fail', summary: 'detected after 7m58s529ms, bound 3m10s', measured: {} };
const findings = Array.from({ length: 29 }, (_, i) =>
  fakeRun({ scenario: `known ${i}`, status: 'finding', finding: `a known gap ${i}`, verdicts: [failed, { ...failed, check: 'delivery', summary: '3 lost' }] }),
);
const runs = [fakeRun({ scenario: 'slow', status: 'fail', verdicts: [failed] }), ...findings, fakeRun({ scenario: 'fine' })];

describe('the terminal summary', () => {
  it('folds each expected finding into one line, after the failures, and keeps the counts in view', () => {
    const text = summaryText(runs, summarize(runs, 1_500), ['reports/results.json']);
    const lines = text.split('\n');
    expect(lines.filter((l) => l.startsWith('FIND'))).toHaveLength(29);
    expect(lines).toContain('FIND  known 3: a known gap 3');
    expect(text).not.toMatch(/3 lost/); // a finding's verdict details stay in the report
    expect(text).toMatch(/FAIL {2}slow {2}\(fake\.scenario\.ts\)\n {6}detection: detected after 7m58\.529s, bound 3m10s\n {6}replay: /);
    // 1 failure (3 lines) + 29 findings + headers and counts: about a screen.
    expect(lines.length).toBeLessThan(45);
    expect(text).toMatch(/31 runs: 1 passed, 1 failed, 29 expected findings, 0 errors\n/);
  });

  it('names what runs were judged under, each caveat once with its count, passing runs included', () => {
    const peer = 'judged in virtual time against the MQTT broker at mqtt://127.0.0.1:1883 (--mqtt-url), which runs on real time: its own timers were not on the virtual clock';
    const marked = (scenario: string, caveats: string[]) => fakeRun({ scenario, verdicts: [{ check: 'keepalive', status: 'pass', summary: 'held', measured: {}, caveats }, { check: 'delivery', status: 'pass', summary: 'held', measured: {}, caveats }] });
    const pauses = Array.from({ length: 4 }, (_, i) => marked(`paused ${i}`, [`the process was paused for ${100 + i} ms of real time at 1m`]));
    const all = [marked('a', [peer]), marked('b', [peer]), fakeRun({ scenario: 'plain' }), ...pauses];
    const lines = summaryText(all, summarize(all, 1), []).split('\n');
    expect(lines).toContain(`caveat, 2 runs: ${peer}`);
    expect(lines).toContain('caveat, 1 run: the process was paused for 100 ms of real time at 1m');
    expect(lines).toContain('and 2 other caveats: see the report');
    expect(summaryText(runs, summarize(runs, 1), [])).not.toMatch(/caveat/);
  });

  it('colours statuses on a terminal, and nothing otherwise', () => {
    const coloured = summaryText(runs, summarize(runs, 1), [], ansi);
    expect(coloured).toContain('\u001b[31mFAIL\u001b[39m');
    expect(coloured).toContain('\u001b[33mFIND\u001b[39m');
    expect(coloured).toContain('\u001b[32m1 passed\u001b[39m');
    expect(summaryText(runs, summarize(runs, 1), [], plain)).not.toContain('\u001b[');
    expect(progressLine(runs[0]!, 1, 31, ansi)).toMatch(/^\[ 1\/31\] \u001b\[31mFAIL\u001b\[39m {2}slow /);
  });

  it.each([
    [{ isTTY: true }, {}, ansi],
    [{ isTTY: false }, {}, plain],
    [{}, {}, plain],
    [{ isTTY: true }, { NO_COLOR: '1' }, plain],
    [{ isTTY: true }, { NO_COLOR: '' }, ansi],
    [{ isTTY: false }, { FORCE_COLOR: '1' }, ansi],
    [{ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' }, plain],
    [{ isTTY: false }, { FORCE_COLOR: '0' }, plain],
  ])('paints %j with env %j as expected', (stream, env, paint) => {
    expect(paintFor(stream, env)).toBe(paint);
  });

  it('cuts huge names to a line, never inside an emoji', () => {
    const huge = `${'📱'.repeat(100)}${'x'.repeat(1_000_000)}`;
    const line = progressLine(fakeRun({ scenario: huge }), 1, 1);
    expect(line.length).toBeLessThan(400);
    expect(clip('📱📱📱', 2)).toBe('📱…');
    expect(clip('short')).toBe('short');
  });
});
