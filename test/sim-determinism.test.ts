import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import '../harness/subjects/index.ts';
import { planRuns } from '../harness/scenario/loader.ts';
import { runSuite } from '../harness/scenario/suite.ts';
import { runCrowd, type CrowdOptions } from './support/crowd.ts';

const crowd = (kind: string, size: number, extra: Partial<CrowdOptions> = {}) =>
  runCrowd({ kind, size, network: 'sim', horizonMs: 12 * 60_000, spreadMs: 60_000, natMs: 300_000, latencyMs: 80, ...extra });

// Sizes that take the kernel substrate out of step (its listen backlog and real-time stall guard
// gave 28 distinct timelines at 2,000): on the sim a crowd is as many lone clients.
describe('the simulated network is deterministic at any size', () => {
  it('10,000 reference tcp clients each live the lone client’s life', { timeout: 300_000 }, async () => {
    const lone = await crowd('tcp', 1, { spreadMs: 0 });
    const many = await crowd('tcp', 10_000);
    expect(lone.timelines[0]).toContain('"type":"heartbeat.reply","rttMs":160');
    expect(new Set(many.timelines)).toEqual(new Set(lone.timelines.map((t) => cut(t, 12 * 60_000 - 59_994))));
  });

  it('10,000 reference ws clients each live the lone client’s life', { timeout: 300_000 }, async () => {
    const many = await crowd('ws', 10_000);
    const lone = await crowd('ws', 1, { spreadMs: 0 });
    expect(new Set(many.timelines)).toEqual(new Set(lone.timelines.map((t) => cut(t, 12 * 60_000 - 59_994))));
  });

  it('2,000 reference tcp clients on one host behind a sim NAT, 80 ms on the path, each live the lone client’s life', { timeout: 300_000 }, async () => {
    const many = await crowd('tcp', 2_000, { faults: 'sim' });
    const lone = await crowd('tcp', 1, { spreadMs: 0, faults: 'sim' });
    // the handshake crosses the path too: connected after two round trips, not one
    expect(lone.timelines[0]).toContain('320 {"type":"connected","attempt":0}');
    expect(new Set(many.timelines)).toEqual(new Set(lone.timelines.map((t) => cut(t, 12 * 60_000 - 59_970))));
  });

  it('1,000 mqtt.js clients on aedes each live the lone client’s life', { timeout: 300_000 }, async () => {
    const many = await crowd('mqttjs', 1_000, { spreadMs: 60_000 });
    const lone = await crowd('mqttjs', 1, { spreadMs: 0 });
    expect(lone.timelines[0]).toContain('"type":"connected"');
    expect(new Set(many.timelines)).toEqual(new Set(lone.timelines.map((t) => cut(t, 12 * 60_000 - 59_940))));
  });
});

/** A lone timeline cut to the span every member of a crowd is judged on. */
function cut(timeline: string, span: number): string {
  return timeline
    .split('\n')
    .filter((line) => Number(line.slice(0, line.indexOf(' '))) <= span)
    .join('\n');
}

describe('same seed, same bytes', () => {
  const burners: ChildProcess[] = [];
  afterAll(() => burners.forEach((b) => b.kill('SIGKILL')));

  const results = async () => {
    const { runs, failures } = await planRuns(['scenarios/nat-idle.scenario.ts', 'scenarios/delivery.scenario.ts']);
    const results = await runSuite(runs, failures, { seed: 7, workers: 1, network: 'sim' });
    return JSON.stringify(results.map(({ wallMs: _wall, ...run }) => run));
  };

  it('a seed run twice gives byte-identical results, with two CPU-burning processes alongside the second time', { timeout: 600_000 }, async () => {
    const quiet = await results();
    for (let i = 0; i < 2; i++) burners.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
    const loaded = await results();
    expect(loaded).toBe(quiet);
    expect(quiet.length).toBeGreaterThan(100_000);
  });
});
