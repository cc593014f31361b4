import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRuns } from './loader.ts';
import type { RunResult } from './results.ts';
import { runSuite } from './suite.ts';

/**
 * Docker does not run here, so `flatline toxiproxy` (real clock, its own process) stands in for the
 * real Toxiproxy, reached through the same remote backend code a real one would be.
 */
let standIn: ChildProcess;
let url: string;

beforeAll(async () => {
  standIn = spawn(process.execPath, ['bin/flatline.mjs', 'toxiproxy', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    standIn.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(seen);
      if (match) resolve(match[1]!);
    });
    standIn.once('exit', (code) => reject(new Error(`flatline toxiproxy exited with ${code}: ${seen}`)));
  });
});

afterAll(() => {
  standIn?.kill('SIGINT');
});

const measure = (run: RunResult) => run.verdicts.map((v) => v.measured.detectionMs ?? v.measured.lost ?? v.measured.reconnects ?? null);

/**
 * Scenario time the real run spent waiting for the network to answer (TCP handshakes through the
 * stand-in's process, heartbeat replies), measured in its own trace; zero in virtual time. The
 * reference client counts its heartbeat interval from the last thing it received, so each wait
 * moves every later heartbeat, and the detection after them, that much later: a loaded machine
 * widens the margin by exactly the delay it caused.
 */
function networkWaitMs(run: RunResult): number {
  let wait = 0;
  let attemptAt: number | undefined;
  for (const e of run.trace) {
    if (e.source !== 'client:subject') continue;
    if (e.type === 'connect.attempt') attemptAt = e.t;
    if (e.type === 'connected' && attemptAt !== undefined) wait += e.t - attemptAt;
    if (e.type === 'heartbeat.reply') wait += e.rttMs as number;
  }
  return wait;
}

// At this scale 1 ms of real scheduling noise is 100 ms of scenario time: on a loaded machine one
// try in a few can stall past the margin, so the comparison gets one retry. Virtual time is the exact judge.
describe('real-time mode through a Toxiproxy at scale 0.01', { retry: 1 }, () => {
  it('gives the core scenarios the same verdicts as virtual time, with numbers that agree', async () => {
    const { runs, failures } = await planRuns(['test/fixtures/core.scenario.ts']);
    const virtual = await runSuite(runs, failures, { seed: 1, workers: 1 });
    const real = await runSuite(runs, failures, { seed: 1, workers: 1, remote: { url }, timeScale: 0.01 });
    expect(real.map((r) => [r.scenario, r.status, r.error?.message])).toEqual(virtual.map((r) => [r.scenario, r.status, r.error?.message]));
    expect(virtual.every((r) => r.status === 'pass')).toBe(true);
    real.forEach((run, i) => {
      measure(run).forEach((value, j) => {
        const expected = measure(virtual[i]!)[j];
        if (typeof expected === 'number' && typeof value === 'number') {
          // 1 ms of real scheduling noise is 100 ms of scenario time at this scale: 40 ms of it, plus the network waits measured
          const margin = 4000 + networkWaitMs(run);
          expect(Math.abs(value - expected), `${run.scenario}: ${value} vs ${expected}, margin ${margin}`).toBeLessThanOrEqual(margin);
        } else expect(value).toEqual(expected);
      });
    });
    // the standard toxics went to the stand-in, the NAT was emulated locally: both are in the trace
    expect(real[4]!.trace.some((e) => e.type === 'toxic.added' && e.toxic === 'rst')).toBe(true);
    expect(real[1]!.trace.some((e) => e.type === 'nat.expired')).toBe(true);
  });

  it('leaves no proxy behind on the Toxiproxy', async () => {
    const proxies = (await (await fetch(`${url}/proxies`)).json()) as Record<string, unknown>;
    expect(Object.keys(proxies)).toEqual([]);
  });
});
