import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { summarize, type ResultsFile, type RunResult } from '../scenario/results.ts';
import { fakeRun } from '../../test/support/fake-run.ts';
import { captureIo } from '../cli/capture-io.ts';
import { main } from '../cli/main.ts';
import { readResultsFile } from './results-file.ts';
import { mergeShards, type ShardedResultsFile } from './shards.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-shards-'));

/** `flatline run test/fixtures` as CI would, optionally one shard of it; the results it wrote. */
async function runFixtures(shard?: string): Promise<{ code: number; results: ShardedResultsFile; file: string; err: string }> {
  const out = path.join(dir, shard ? `shard-${shard.replace('/', '-of-')}` : 'whole');
  const io = captureIo();
  const code = await main(['run', 'test/fixtures', '--out', out, '--reporter', 'json', ...(shard ? ['--shard', shard] : [])], io);
  const file = path.join(out, 'results.json');
  return { code, results: readResultsFile(file) as ShardedResultsFile, file, err: io.err() };
}

/** Everything but the real time each run took. */
const withoutWallTimes = (r: ResultsFile) => ({ ...r, summary: { ...r.summary, wallMs: 0 }, runs: r.runs.map((run) => ({ ...run, wallMs: 0 })) });

describe('sharded runs', () => {
  it('1/3, 2/3 and 3/3 merged equal the unsharded run, wall times aside', async () => {
    const whole = await runFixtures();
    const shards = [];
    for (const shard of ['1/3', '2/3', '3/3']) shards.push(await runFixtures(shard));
    expect(whole.results.runs.length).toBeGreaterThan(8);
    // Every run in exactly one shard, the load failure included; each shard knows the whole plan.
    expect(shards.map((s) => s.results.runs.length).reduce((a, b) => a + b)).toBe(whole.results.runs.length);
    for (const s of shards) expect(s.results.shard!.plan).toEqual(whole.results.runs.map((r) => r.id));
    for (const s of shards) expect(s.results.runs.length).toBeGreaterThan(0);
    expect(shards[0]!.err).toMatch(/^flatline \S+: shard 1\/3: \d+ of \d+ runs from 4 files/);
    // Exit codes: each shard's own; the unsharded one has the broken file's 2.
    expect(whole.code).toBe(2);
    expect(shards.map((s) => s.code)).toContain(2);

    // A shard compared with the whole unsharded baseline: the other shards' runs are not "gone".
    const io = captureIo();
    expect(await main(['run', 'test/fixtures', '--out', path.join(dir, 'against-baseline'), '--reporter', 'json', '--shard', '2/3', '--baseline', whole.file], io)).toBe(shards[1]!.code);
    expect(io.out()).toContain(`0 regressed, 0 improved, 0 new, 0 gone, ${shards[1]!.results.runs.length} unchanged`);

    const given = [shards[2]!, shards[0]!, shards[1]!].map(({ file, results }) => ({ file, results }));
    const { results, warnings } = mergeShards(given);
    expect(warnings).toEqual([]);
    expect(results).not.toHaveProperty('shard');
    expect(withoutWallTimes(results)).toEqual(withoutWallTimes(whole.results));
  });

  const plan = ['f#a', 'f#b', 'f#c'];
  const shard = (index: number, runs: RunResult[], over: Partial<ShardedResultsFile> = {}) => ({
    file: `shard-${index}.json`,
    results: { flatline: '0.1.0', seed: 1, summary: summarize(runs, 10), runs, shard: { index, total: 3, plan }, ...over },
  });
  const run = (name: string) => fakeRun({ id: `f#${name}`, scenario: name });

  it('warns about a missing shard and reports the runs it has', () => {
    const { results, warnings } = mergeShards([shard(3, [run('c')]), shard(1, [run('a')])]);
    expect(results.runs.map((r) => r.scenario)).toEqual(['a', 'c']);
    expect(warnings).toEqual(['shard 2/3 not given: the report holds 2 of the 3 planned runs']);
  });

  it('keeps other results files (a nat simulation) where they were given', () => {
    const nat = { file: 'nat.json', results: { flatline: '0.1.0', seed: 1, summary: summarize([run('nat')], 5), runs: [run('nat')] } };
    const { results } = mergeShards([nat, shard(2, [run('b')]), shard(1, [run('a')]), shard(3, [run('c')])]);
    expect(results.runs.map((r) => r.scenario)).toEqual(['nat', 'a', 'b', 'c']);
    expect(results.summary).toMatchObject({ total: 4, wallMs: 35 });
  });

  it.each([
    [[shard(1, []), shard(1, [])], /shard 1\/3 is given twice: shard-1\.json and shard-1\.json/],
    [[shard(1, []), shard(2, [], { shard: { index: 2, total: 3, plan: ['f#a'] } })], /shard-2\.json \(shard 2\/3, 1 runs planned\) is not from the same plan as shard-1\.json/],
    [[shard(1, []), shard(2, [], { seed: 9 })], /shard-2\.json ran with seed 9, shard-1\.json with seed 1: run every shard with the same --seed/],
    [[shard(1, [], { shard: { index: 1 } as never })], /shard-1\.json: its "shard" field is not \{index, total, plan: \[run ids\]\}/],
  ])('refuses shards that do not belong together: %#', (files, message) => {
    expect(() => mergeShards(files as never)).toThrow(message);
  });

  it('flatline report merges shards and says which are missing', async () => {
    const files = [shard(1, [run('a')]), shard(2, [run('b')])].map(({ file, results }) => {
      const target = path.join(dir, file);
      fs.writeFileSync(target, JSON.stringify(results));
      return target;
    });
    const io = captureIo();
    const out = path.join(dir, 'merged.html');
    const json = path.join(dir, 'merged', 'results.json');
    const junit = path.join(dir, 'merged', 'junit.xml');
    expect(await main(['report', ...files, '--out', out, '--json', json, '--junit', junit], io)).toBe(0);
    expect(io.err()).toBe('flatline report: warning: shard 3/3 not given: the report holds 2 of the 3 planned runs\n');
    expect(io.out()).toBe(`2 runs: 2 passed, 0 failed, 0 expected findings, 0 errors\nwrote ${out}\nwrote ${json}\nwrote ${junit}\n`);
    expect(fs.readFileSync(junit, 'utf8')).toMatch(/<testsuites name="flatline" tests="2" failures="0"/);
    expect(readResultsFile(json).runs.map((r) => r.scenario)).toEqual(['a', 'b']);
  });

  it('refuses a bad --shard', async () => {
    const io = captureIo();
    expect(await main(['run', 'test/fixtures', '--shard', '4/3'], io)).toBe(2);
    expect(io.err()).toMatch(/--shard must be i\/n with 1 <= i <= n <= 1024, like 2\/3 \(got "4\/3"\)/);
  });
});
