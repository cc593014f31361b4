import type { Duration } from '../util/duration.ts';
import type { RunResult } from './results.ts';
import { runScenario } from './runner.ts';
import type { Scenario } from './scenario.ts';
import type { NetworkSubstrate } from './substrate.ts';
import { runTimeLimitMs } from './time-limit.ts';

export interface RunFlatlineOptions {
  seed?: number;
  file?: string;
  network?: NetworkSubstrate;
  /** Real time the run may take, in place of the scenario's own `timeLimit` (as `--time-limit`); else that, else 60 s. */
  timeLimit?: Duration;
}

/** Runs one scenario in a fresh virtual world. A broken run has status 'error'; only bad options reject. */
export async function runFlatline(scenario: Scenario, options: RunFlatlineOptions = {}): Promise<RunResult> {
  const wallLimitMs = runTimeLimitMs(options.timeLimit, 'runFlatline(options).timeLimit', 'FLATLINE_ERR_USAGE');
  return runScenario(scenario, { seed: options.seed ?? 1, file: options.file ?? 'vitest', network: options.network, wallLimitMs });
}
