/** Test support: a RunResult with defaults, for data-preparation tests that need no real run. */
import type { RunResult } from '../../harness/scenario/results.ts';

export function fakeRun(over: Partial<RunResult> = {}): RunResult {
  const scenario = over.scenario ?? 'a run';
  return {
    id: `fake.scenario.ts#${scenario}`,
    file: 'fake.scenario.ts',
    scenario,
    subject: 'tcp',
    seed: 1,
    status: 'pass',
    verdicts: [],
    virtualMs: 600_000,
    wallMs: 10,
    replay: `flatline run fake.scenario.ts --filter ${JSON.stringify(scenario)} --seed 1`,
    trace: [],
    ...over,
  };
}
