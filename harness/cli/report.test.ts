import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../scenario/results.ts';
import { fakeRun } from '../../test/support/fake-run.ts';
import { captureIo } from './capture-io.ts';
import { main } from './main.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-report-'));
const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};
const runs = [fakeRun({ scenario: 'a', status: 'fail' }), fakeRun({ scenario: 'b' })];
const resultsJson = write('results.json', JSON.stringify({ flatline: '0.1.0', seed: 1, summary: summarize(runs, 5), runs }));

async function report(...args: string[]) {
  const io = captureIo();
  const code = await main(['report', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('flatline report', () => {
  it('writes the HTML report and exits 0, whatever the runs say', async () => {
    const out = path.join(dir, 'nested', 'report.html');
    const r = await report(resultsJson, '--out', out);
    expect(r).toEqual({ code: 0, out: `2 runs: 1 passed, 1 failed, 0 expected findings, 0 errors\nwrote ${out}\n`, err: '' });
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<title>flatline report: 1 failed/);
  });

  it('makes one report of several results files', async () => {
    const out = path.join(dir, 'both.html');
    const r = await report(resultsJson, resultsJson, '--out', out);
    expect(r.out).toMatch(/^4 runs: 2 passed, 2 failed/);
  });

  it.each([
    [[], /^flatline report: give the results.json to report on, e.g. flatline report reports\/results.json\nRun "flatline report --help" for usage.\n$/],
    [['--format', 'pdf', 'x.json'], /^flatline report: Unknown option '--format'/],
    [[path.join(dir, 'nope.json')], /^flatline report: .*nope\.json: no such file; "flatline run" writes one to reports\/results\.json\n$/],
    [[write('text.json', 'hello')], /^flatline report: .*text\.json: is not JSON \(Unexpected token/],
    [[write('package.json', '{"name":"x"}')], /^flatline report: .*package\.json: is not a flatline results file: it has no "flatline" version field\n$/],
    [
      [write('null-source.json', JSON.stringify({ flatline: '0.1.0', seed: 1, summary: summarize(runs, 5), runs: [fakeRun({ trace: [{ t: 0, source: null, type: 'state', state: 'open' } as never] })] }))],
      /^flatline report: .*null-source\.json: is not a flatline results file: runs\[0\]\.trace\[0\]\.source is null; expected a string\n$/,
    ],
  ])('exits 2 with a clear message, no stack trace: %j', async (args, message) => {
    const r = await report(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
