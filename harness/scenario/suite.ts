import type { LoadFailure, PlannedRun } from './loader.ts';
import { unjudgedResult, type RunResult } from './results.ts';
import { runScenario } from './runner.ts';
import { timeLimitMs } from './time-limit.ts';
import { CLOSE_LIMIT_MS } from './world.ts';
import { runInPool, type SharedRunOptions, type WorkerPlan } from './worker-pool.ts';

export type { SharedRunOptions, WorkerPlan } from './worker-pool.ts';

export interface SuiteOptions extends SharedRunOptions {
  seed: number;
  /** Runs in parallel in child processes (one virtual world per process); 1 runs in this process unless `isolate`. */
  workers: number;
  /**
   * Every run in a child process that can be killed, even with one worker: a run that crashes,
   * hangs or busy-loops costs only itself. `flatline run` always isolates; tests may run in-process.
   */
  isolate?: boolean;
  /** How the plan was made, so a worker rebuilds the same runs: the --subject and the setup modules. */
  plan?: WorkerPlan;
  /** Called as each run finishes, in finishing order, for progress output and results written as they arrive. */
  onResult?: (run: RunResult, done: number, total: number) => void;
}

/** Real time past the run's own watchdog and close limit before its worker is killed. */
const KILL_GRACE_MS = 3000;

/**
 * Runs a plan and returns the results in plan order, whatever order they finished in, so the
 * same seed gives the same results with any number of workers. Files that failed to load become
 * error results first: one bad file never hides the others.
 */
export async function runSuite(plan: PlannedRun[], failures: LoadFailure[], options: SuiteOptions): Promise<RunResult[]> {
  const total = plan.length + failures.length;
  let done = 0;
  const report = (result: RunResult) => options.onResult?.(result, ++done, total);
  const loadErrors = failures.map((f) => unjudgedResult({ file: f.file, scenario: { name: '(file does not load)' } } as PlannedRun, options.seed, 'FLATLINE_ERR_SCENARIO', f.message));
  loadErrors.forEach(report);
  const inPool = options.isolate || (options.workers > 1 && plan.length > 1);
  const results = inPool ? await runIsolated(plan, options, report) : await runHere(plan, options, report);
  return [...loadErrors, ...results];
}

async function runHere(plan: PlannedRun[], options: SuiteOptions, report: (r: RunResult) => void): Promise<RunResult[]> {
  const results: RunResult[] = [];
  for (const run of plan) {
    const result = await runScenario(run.scenario, { ...shared(options), seed: options.seed, file: run.file, cell: run.cell });
    report(result);
    results.push(result);
  }
  return results;
}

async function runIsolated(plan: PlannedRun[], options: SuiteOptions, report: (r: RunResult) => void): Promise<RunResult[]> {
  const slots = new Map(plan.map((run, i) => [run, i]));
  const results: RunResult[] = new Array(plan.length);
  const killAfterMs = (run: PlannedRun) => {
    const wallLimitMs = timeLimitMs(run.scenario, options.wallLimitMs);
    return wallLimitMs + Math.min(CLOSE_LIMIT_MS, wallLimitMs) + KILL_GRACE_MS;
  };
  await runInPool(plan, { size: Math.max(1, options.workers), seed: options.seed, shared: shared(options), plan: options.plan, killAfterMs }, (result, run) => {
    results[slots.get(run)!] = result;
    report(result);
  });
  return results;
}

function shared({ wallLimitMs, remote, timeScale, serverHost, mqttUrl, network, allowExternalInVirtualTime }: SuiteOptions): SharedRunOptions {
  return { wallLimitMs, remote, timeScale, serverHost, mqttUrl, network, allowExternalInVirtualTime };
}
