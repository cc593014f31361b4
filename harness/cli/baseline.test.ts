import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../scenario/results.ts';
import { summarize } from '../scenario/results.ts';
import { fakeRun } from '../../test/support/fake-run.ts';
import type { ResultsDiff } from '../report/diff.ts';
import { captureIo } from './capture-io.ts';
import { main } from './main.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-baseline-'));
const write = (name: string, value: unknown) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
};
async function flatline(...args: string[]) {
  const io = captureIo();
  const code = await main(args, io);
  return { code, out: io.out(), err: io.err() };
}

describe('--baseline', () => {
  it('flatline run compares with the baseline, writes diff.json, and fails on a regression only when asked', async () => {
    const first = path.join(dir, 'first');
    expect((await flatline('run', 'test/fixtures/finding.scenario.ts', '--out', first, '--reporter', 'json')).code).toBe(0);
    // The baseline says the run passed: an expected finding now is a step back.
    const earlier = JSON.parse(fs.readFileSync(path.join(first, 'results.json'), 'utf8')) as ResultsFile;
    const baseline = write('baseline.json', { ...earlier, runs: earlier.runs.map((r) => ({ ...r, status: 'pass' })) });

    const out = path.join(dir, 'second');
    const r = await flatline('run', 'test/fixtures/finding.scenario.ts', '--out', out, '--baseline', baseline);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\nchanges since .*baseline\.json\n\nWORSE {3}finding: no heartbeat at all: pass → finding;?\n\n1 regressed, 0 improved, 0 new, 0 gone, 0 unchanged \(tolerance 10%\)\nwrote .*diff\.json\n/);
    const diff = JSON.parse(fs.readFileSync(path.join(out, 'diff.json'), 'utf8')) as ResultsDiff & { baseline: { file: string } };
    expect(diff).toMatchObject({ baseline: { file: baseline, seed: 1, total: 1 }, tolerance: 0.1, counts: { regressed: 1 }, changes: [{ kind: 'regressed', before: 'pass', after: 'finding' }] });
    expect(fs.readFileSync(path.join(out, 'index.html'), 'utf8')).toContain('"changes":{"tolerance":0.1');

    const strict = await flatline('run', 'test/fixtures/finding.scenario.ts', '--out', out, '--reporter', 'json', '--baseline', baseline, '--fail-on-regression');
    expect(strict.code).toBe(1);
    const same = await flatline('run', 'test/fixtures/finding.scenario.ts', '--out', out, '--reporter', 'json', '--baseline', path.join(first, 'results.json'), '--fail-on-regression');
    expect(same.code).toBe(0);
    expect(same.out).toMatch(/0 regressed, 0 improved, 0 new, 0 gone, 1 unchanged/);
  }, 600_000); // four runs, each over a minute of real time on a loaded machine

  it('flatline report compares too, with its own tolerance and diff file', async () => {
    const before = [fakeRun({ scenario: 'a', verdicts: [{ check: 'detection', status: 'pass', summary: '', measured: { detectionMs: 100_000 } }] })];
    const after = [fakeRun({ scenario: 'a', verdicts: [{ check: 'detection', status: 'pass', summary: '', measured: { detectionMs: 140_000 } }] })];
    const baseline = write('old.json', { flatline: '0.1.0', seed: 1, summary: summarize(before, 1), runs: before });
    const current = write('new.json', { flatline: '0.1.0', seed: 1, summary: summarize(after, 1), runs: after });
    const html = path.join(dir, 'report', 'index.html');
    const lenient = await flatline('report', current, '--out', html, '--baseline', baseline, '--tolerance', '50%', '--fail-on-regression');
    expect(lenient.code).toBe(0);
    expect(lenient.out).toMatch(/0 regressed, 0 improved, 0 new, 0 gone, 1 unchanged \(tolerance 50%\)/);
    const diffFile = path.join(dir, 'd.json');
    const strict = await flatline('report', current, '--out', html, '--baseline', baseline, '--diff', diffFile, '--fail-on-regression');
    expect(strict.code).toBe(1);
    expect(strict.out).toContain('WORSE   a: detection time 1m40s → 2m20s (+40s)');
    expect(JSON.parse(fs.readFileSync(diffFile, 'utf8')).counts.regressed).toBe(1);
  });

  it.each([
    [['run', 'test/fixtures', '--tolerance', '5%'], /--tolerance and --fail-on-regression compare with a baseline; add --baseline old\/results.json/],
    [['run', 'test/fixtures', '--baseline', 'nope/results.json'], /nope\/results\.json: no such file/],
    [['report', 'x.json', '--diff', 'd.json'], /--diff writes the comparison with a baseline/],
  ])('refuses %j before running anything', async (args, message) => {
    const r = await flatline(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });

  it('refuses a bad tolerance', async () => {
    const baseline = write('b.json', { flatline: '0.1.0', seed: 1, summary: summarize([], 0), runs: [] });
    const r = await flatline('run', 'test/fixtures', '--baseline', baseline, '--tolerance', 'lots');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--tolerance must be a percentage from 0% to 100% or a fraction from 0 to 1, like 10% \(got "lots"\)/);
  });
});
