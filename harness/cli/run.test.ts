import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../scenario/results.ts';
import { cliTestTimeout, flatlineRun as flatline } from '../../test/support/flatline-cli.ts';

describe('flatline run', { timeout: cliTestTimeout(1) }, () => {
  it('exits 0 when every verdict holds (an expected finding included) and writes JSON and JUnit', () => {
    const r = flatline('test/fixtures/finding.scenario.ts');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\[1\/1\] FIND {2}finding: no heartbeat at all/);
    expect(r.stdout).toMatch(/1 runs: 0 passed, 0 failed, 1 expected findings, 0 errors/);
    expect(r.stdout).toMatch(/\nFIND {2}finding: no heartbeat at all: a 10-hour heartbeat cannot notice a blackhole[^\n]*\n\n1 runs/);
    const results = JSON.parse(r.read('results.json')) as ResultsFile;
    expect(results.runs[0]).toMatchObject({ status: 'finding', seed: 1 });
    expect(results.runs[0]!.trace.length).toBeGreaterThan(5);
    expect(r.read('junit.xml')).toMatch(/<testcase classname="test\/fixtures\/finding.scenario.ts" name="finding: no heartbeat at all"[^>]*>\s*<system-out>expected finding/);
  });

  it('exits 1 on a failed verdict and prints its numbers and the replay line', () => {
    const r = flatline('test/fixtures/small.scenario.ts', '--filter', 'too tight', '--seed', '5', '--reporter', 'junit');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}small: bound too tight/);
    expect(r.stdout).toMatch(/detection: detected after 2m10s .*bound 1s/);
    expect(r.stdout).toMatch(/replay: flatline run test\/fixtures\/small.scenario.ts --filter "small: bound too tight" --seed 5/);
    expect(r.read('junit.xml')).toMatch(/<failure message="detection: detected after 2m10s/);
    expect(fs.existsSync(path.join(r.out, 'results.json'))).toBe(false);
  });

  it('exits 2 when a file does not load, and still reports the others', () => {
    const r = flatline('test/fixtures/broken.scenario.ts', 'test/fixtures/finding.scenario.ts');
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/ERR +\(file does not load\)[\s\S]*broken.scenario.ts does not load: this fixture is broken on purpose/);
    expect(JSON.parse(r.read('results.json')).runs.map((x: { status: string }) => x.status)).toEqual(['error', 'finding']);
  });

  it('isolates runs: a hung close(), a throwing handler, a Date.now() busy-wait and a setImmediate loop each end as one error run (exit 2), the others are written', () => {
    const r = flatline('test/isolation/misbehaving.scenario.ts', '--time-limit', '5s'); // a loaded machine must not stretch a good run past it
    expect(r.code).toBe(2);
    const runs = (JSON.parse(r.read('results.json')) as ResultsFile).runs;
    expect(runs.map((x) => [x.scenario, x.status, x.error?.code])).toEqual([
      ['well-behaved before', 'pass', undefined],
      ['hung close()', 'error', 'FLATLINE_ERR_CLOSE'],
      ['throwing handler', 'error', 'FLATLINE_ERR_CRASH'],
      ['Date.now() busy-wait', 'error', 'FLATLINE_ERR_CLOCK_LIMIT'],
      ['setImmediate loop', 'error', 'FLATLINE_ERR_CLOCK_LIMIT'], // the sim drains node's queues between instants: this one never drains
      ['well-behaved after', 'pass', undefined],
    ]);
    const [, close, thrown, busy, spin] = runs.map((x) => x.error?.message);
    expect(close).toMatch(/client "subject": its close\(\) did not finish within 5 s/);
    expect(runs[1]!.verdicts.map((v) => v.status)).toEqual(['pass']); // its verdicts stand; the world just did not let go
    expect(thrown).toMatch(/uncaught exception .*: adapter bug: cannot read properties of undefined/);
    expect(busy).toMatch(/killed after 13s of real time: .*synchronous loop/);
    expect(spin).toMatch(/^watchdog: the run took more than 5 s of real time/);
    // streamed as they finished, one line per run
    expect(r.read('results.jsonl').trim().split('\n').map((line) => (JSON.parse(line) as { scenario: string }).scenario).sort()).toEqual(runs.map((x) => x.scenario).sort());
  });

  it("gives a run more time with --time-limit than its scenario's own timeLimit, and the scenario's own without it", { timeout: cliTestTimeout(2) }, () => {
    const file = 'test/isolation/time-limit.scenario.ts'; // its server takes 4 s of real time to start; its timeLimit is 300 ms
    const given = flatline(file, '--time-limit', '2m');
    expect(given.code, given.stdout).toBe(0);
    expect((JSON.parse(given.read('results.json')) as ResultsFile).runs.map((x) => x.status)).toEqual(['pass']);
    const own = flatline(file);
    expect(own.code).toBe(2);
    expect((JSON.parse(own.read('results.json')) as ResultsFile).runs[0]!.error?.message).toMatch(/^watchdog: the run took more than 0.3 s of real time; .*timeLimit \(or --time-limit\)/);
  });

  it.each([
    [['--time-limit', 'soon'], /--time-limit: must be a duration like/],
    [['--time-limit', '30d'], /--time-limit: must be at most 2147483647 ms/],
    [['--workers', 'many'], /--workers must be a whole number from 1 to 64/],
    [['--reporter', 'pdf'], /unknown reporter "pdf"/],
    [['no/such/dir'], /no scenario files match "no\/such\/dir"/],
    [['test/fixtures/small.scenario.ts', '--filter', 'nothing like this'], /no scenario matches --filter "nothing like this"/],
  ])('exits 2 with a clear message on bad usage: %j', (args, message) => {
    const r = flatline(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
