import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadFailure, PlannedRun } from './loader.ts';
import type { RunResult } from './results.ts';
import { runScenario, type RunOptions } from './runner.ts';

/** What every run of a suite shares besides the seed: the watchdog and the fault backend. */
export type SharedRunOptions = Pick<RunOptions, 'wallLimitMs' | 'remote' | 'timeScale' | 'serverHost' | 'mqttUrl' | 'network'>;

export interface SuiteOptions extends SharedRunOptions {
  seed: number;
  /** Runs in parallel in child processes (one virtual world per process); 1 runs in this process. */
  workers: number;
  /** How the plan was made, so a worker rebuilds the same runs: the --subject and the setup modules. */
  plan?: WorkerPlan;
  /** Called as each run finishes, in finishing order, for progress output. */
  onResult?: (run: RunResult, done: number, total: number) => void;
}

export interface WorkerPlan {
  subject?: string;
  setup: string[];
}

/** A message to a worker: rebuild run `position` of `file` and run it. */
export interface WorkerJob {
  index: number;
  file: string;
  position: number;
  seed: number;
  shared: SharedRunOptions;
  plan?: WorkerPlan;
}

export interface WorkerReply {
  index: number;
  result: RunResult;
}

const BIN = fileURLToPath(new URL('../../bin/flatline.mjs', import.meta.url));

/**
 * Runs a plan and returns the results in plan order, whatever order they finished in, so the
 * same seed gives the same results with any number of workers. Files that failed to load become
 * error results first: one bad file never hides the others.
 */
export async function runSuite(plan: PlannedRun[], failures: LoadFailure[], options: SuiteOptions): Promise<RunResult[]> {
  const total = plan.length + failures.length;
  let done = 0;
  const report = (result: RunResult) => options.onResult?.(result, ++done, total);
  const loadErrors = failures.map((f) => loadFailureResult(f, options.seed));
  loadErrors.forEach(report);
  const results = options.workers <= 1 || plan.length <= 1 ? await runHere(plan, options, report) : await runInWorkers(plan, options, report);
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

async function runInWorkers(plan: PlannedRun[], options: SuiteOptions, report: (r: RunResult) => void): Promise<RunResult[]> {
  const results: RunResult[] = new Array(plan.length);
  const queue = [...plan];
  const worker = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      let current: PlannedRun | undefined;
      const next = () => {
        current = queue.shift();
        if (!current) {
          child.disconnect();
          return resolve();
        }
        const job: WorkerJob = { index: current.index, file: current.file, position: current.position, seed: options.seed, shared: shared(options), plan: options.plan };
        child.send(job);
      };
      child.on('message', (reply: WorkerReply) => {
        results[reply.index] = reply.result;
        report(reply.result);
        next();
      });
      child.on('exit', (code) => {
        if (!current || results[current.index]) return resolve();
        // The worker died mid-run: that run is an error, never a pass; the rest go on elsewhere.
        const crashed = crashResult(current, options.seed, `the worker process exited (code ${code}) during this run`);
        results[current.index] = crashed;
        report(crashed);
        resolve();
      });
      next();
    });
  const count = Math.min(options.workers, plan.length);
  await Promise.all(Array.from({ length: count }, () => worker(fork(BIN, ['__worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }))));
  // Runs left by crashed workers go through this process.
  for (const run of plan) if (!results[run.index]) results[run.index] = (await runHere([run], options, report))[0]!;
  return results;
}

function shared({ wallLimitMs, remote, timeScale, serverHost, mqttUrl, network }: SuiteOptions): SharedRunOptions {
  return { wallLimitMs, remote, timeScale, serverHost, mqttUrl, network };
}

function loadFailureResult(failure: LoadFailure, seed: number): RunResult {
  return crashResult({ file: failure.file, scenario: { name: '(file does not load)' } } as PlannedRun, seed, failure.message, 'FLATLINE_ERR_SCENARIO');
}

function crashResult(run: Pick<PlannedRun, 'file' | 'scenario' | 'cell'>, seed: number, message: string, code = 'FLATLINE_ERR_RUN'): RunResult {
  return {
    id: `${run.file}#${run.scenario.name}`,
    file: run.file,
    scenario: run.scenario.name,
    cell: run.cell,
    subject: run.scenario.subject?.kind ?? 'unknown',
    seed,
    status: 'error',
    verdicts: [],
    error: { code, message },
    virtualMs: 0,
    wallMs: 0,
    replay: `flatline run ${run.file} --filter ${JSON.stringify(run.scenario.name)} --seed ${seed}`,
    trace: [],
  };
}
