import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize } from '../scenario/results.ts';
import { fakeRun } from '../../test/support/fake-run.ts';
import { mergeResults, readResultsFile, resultsProblem } from './results-file.ts';

const results = (runs = [fakeRun()]) => ({ flatline: '0.1.0', seed: 3, summary: summarize(runs, 100), runs });

describe('reading results files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-results-'));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it('reads what flatline run writes', () => {
    const file = write('ok.json', JSON.stringify(results()));
    expect(readResultsFile(file)).toEqual(results());
  });

  it.each([
    ['missing.json', null, /missing\.json: no such file; "flatline run" writes one to reports\/results\.json/],
    ['bad.json', '{"runs": [', /bad\.json: is not JSON \(.*\); give the results.json that "flatline run" wrote/],
    ['other.json', '{"name": "some package"}', /other\.json: is not a flatline results file: it has no "flatline" version field/],
  ])('says what is wrong with %s', (name, text, message) => {
    const file = text === null ? path.join(dir, name) : write(name, text);
    expect(() => readResultsFile(file)).toThrow(message);
  });

  it.each([
    [[], 'expected an object like {"flatline", "seed", "summary", "runs": [...]}'],
    [{ flatline: '0.1.0' }, 'it has no "runs" array'],
    [{ flatline: '0.1.0', runs: [7] }, 'runs[0] is not an object'],
    [{ flatline: '0.1.0', runs: [{ ...fakeRun(), trace: 'none' }] }, 'runs[0].trace is missing or not an array'],
    [{ flatline: '0.1.0', runs: [fakeRun(), { ...fakeRun(), status: 'ok' }] }, 'runs[1].status is "ok"; expected one of pass, fail, finding, error'],
    [{ flatline: '0.1.0', runs: [fakeRun({ trace: [{ t: 0, source: null, type: 'state' } as never] })] }, 'runs[0].trace[0].source is null; expected a string'],
    [{ flatline: '0.1.0', runs: [fakeRun({ trace: [{ t: 0, source: 'client:x', type: 'state' }, 3 as never] })] }, 'runs[0].trace[1] is not an object'],
    [{ flatline: '0.1.0', runs: [fakeRun({ trace: [{ source: 'client:x', type: 'state' } as never] })] }, 'runs[0].trace[0].t is missing; expected a number'],
  ])('names the first problem: %j', (value, problem) => {
    expect(resultsProblem(value)).toBe(problem);
  });

  it('merges several files into one, counts recomputed', () => {
    const merged = mergeResults([results([fakeRun({ scenario: 'a', status: 'fail' })]), results([fakeRun({ scenario: 'b' })])]);
    expect(merged.runs.map((r) => r.scenario)).toEqual(['a', 'b']);
    expect(merged.summary).toMatchObject({ total: 2, pass: 1, fail: 1, wallMs: 200 });
    expect(merged.seed).toBe(3);
  });
});
