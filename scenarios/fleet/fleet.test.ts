import { describe, expect, it } from 'vitest';
import '../../harness/subjects/index.ts';
import { fleetMetrics } from '../../harness/fleet/metrics.ts';
import { runScenario } from '../../harness/scenario/runner.ts';
import { rwsDelay } from '../../harness/subjects/rws-library.ts';
import type { TraceEvent } from '../../harness/trace/trace.ts';
import { toMs } from '../../harness/util/duration.ts';
import libraryStorms, { libraryStorm } from './libraries.scenario.ts';
import referenceStorms, { referenceStorm } from './reference.scenario.ts';
import capacityStorms, { CAPACITY_JITTERS, capacityStorm } from './capacity.scenario.ts';

/** The suite's storms at a fifth of their size (the same crash at 2m, back at 2m30s; bounds scale). */
const SIZE = 200;
const CRASH = 120_000;
const RESTART = 150_000;
const run = (scenario: Parameters<typeof runScenario>[0]) => runScenario(scenario, { seed: 1, file: 'scenarios/fleet' });
const names = (kind: string) => new Set(Array.from({ length: SIZE }, (_, i) => `${kind}-${i}`));
const attemptInstants = (trace: TraceEvent[]) => [...new Set(trace.filter((e) => e.type === 'connect.attempt' && e.t >= CRASH).map((e) => e.t - CRASH))];

describe('the fleet suite: the same restart storm for every subject', () => {
  it('runs every subject at 1,000 clients by default, the libraries with a time limit for what they cost', () => {
    const cells = referenceStorms.matrix.jitter.map((jitter) => referenceStorms.build({ jitter }));
    const capacity = CAPACITY_JITTERS.map((jitter) => capacityStorms.build({ jitter }));
    expect([...libraryStorms, ...cells, ...capacity].map((s) => s.fleet!.size)).toEqual(Array(9).fill(1000));
    expect(libraryStorms.map((s) => toMs(s.timeLimit!))).toEqual([300_000, 300_000, 300_000]);
  });

  it('reconnecting-websocket retries in lock-step: one delay drawn per process, the whole fleet at each instant', async () => {
    const result = await run(libraryStorm('rws', SIZE));
    // rws's schedule after a loss: min x 1.3^(n-1), with min the one draw made when the module loaded
    const schedule: number[] = [];
    for (let n = 1, t = 0; t + rwsDelay(n) < 60_000; n++) schedule.push((t += rwsDelay(n)));
    const instants = attemptInstants(result.trace);
    expect(instants).toEqual(schedule.slice(0, instants.length));
    const m = fleetMetrics(result.trace, names('rws'), CRASH);
    expect(new Set(m.backMs).size).toBe(1);
    expect(m).toMatchObject({ back: SIZE, peakReconnects: SIZE });
    expect(result.status).toBe('finding');
  });

  it('mqtt.js knocks once a second in lock-step and comes back within a second of the restart', async () => {
    const result = await run(libraryStorm('mqttjs', SIZE));
    const instants = attemptInstants(result.trace);
    expect(instants.every((t) => t % 1000 === 0)).toBe(true);
    expect(instants.slice(0, 5)).toEqual([1000, 2000, 3000, 4000, 5000]);
    const m = fleetMetrics(result.trace, names('mqttjs'), CRASH);
    expect(m.backMs.at(-1)!).toBeLessThanOrEqual(RESTART - CRASH + 1000);
    expect(m).toMatchObject({ back: SIZE, peakReconnects: SIZE });
    expect(result.status).toBe('finding');
  });

  it('against a server of 100 accepts/s and a backlog of 128, the herd without jitter times out 545 connects and takes 3m30s, full jitter 1m27s', async () => {
    const [none, full] = [await run(capacityStorm('none')), await run(capacityStorm('full'))];
    expect(none.status).toBe('finding');
    expect(none.verdicts[0]!.measured).toMatchObject({ affected: 1000, back: 1000, mostReconnects: 1, peakReconnects: 100, timedOut: 545, back99: 210_190 });
    expect(full.status).toBe('pass');
    expect(full.verdicts[0]!.measured).toMatchObject({ affected: 1000, back: 1000, mostReconnects: 1, timedOut: 0, back99: 87_469 });
    // the server never takes on more than its rate in a second, whatever comes at it
    expect(full.verdicts[0]!.measured.peakReconnects as number).toBeLessThanOrEqual(100);
  });

  it('the reference client herds without jitter and passes the suite’s bounds with each jitter', async () => {
    const none = await run(referenceStorm('none', SIZE));
    expect(none.status).toBe('finding');
    expect(none.verdicts[0]!.measured).toMatchObject({ peakReconnects: SIZE, back: SIZE });
    for (const jitter of ['full', 'equal', 'decorrelated'] as const) {
      const result = await run(referenceStorm(jitter, SIZE));
      expect({ jitter, status: result.status, summary: result.verdicts[0]!.summary }).toMatchObject({ jitter, status: 'pass' });
      expect(result.verdicts[0]!.measured.peakReconnects as number).toBeLessThanOrEqual(SIZE / 10);
    }
  });
});
