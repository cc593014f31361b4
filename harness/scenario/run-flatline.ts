import type { RunResult } from './results.ts';
import { runScenario } from './runner.ts';
import type { Scenario } from './scenario.ts';
import type { NetworkSubstrate } from './substrate.ts';

/** Runs one scenario in a fresh virtual world; never throws (a broken run has status 'error'). */
export function runFlatline(scenario: Scenario, options: { seed?: number; file?: string; network?: NetworkSubstrate } = {}): Promise<RunResult> {
  return runScenario(scenario, { seed: options.seed ?? 1, file: options.file ?? 'vitest', network: options.network });
}
