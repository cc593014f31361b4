import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { realTimers } from '../clock/clock.ts';
import { formatMs } from '../util/duration.ts';
import type { PlannedRun } from './loader.ts';
import { unjudgedResult, type RunResult } from './results.ts';
import type { RunOptions } from './runner.ts';

/** What every run of a suite shares besides the seed: the watchdog and the fault backend. */
export type SharedRunOptions = Pick<RunOptions, 'wallLimitMs' | 'remote' | 'timeScale' | 'serverHost' | 'mqttUrl' | 'network' | 'allowExternalInVirtualTime'>;

/** How the plan was made, so a worker rebuilds the same runs: the --subject and the setup modules. */
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

/**
 * A worker's answer. `retire`: the worker exits after this reply, because the run ended in error
 * and may have left something running (a timer loop, a socket) that must not leak into the next run.
 */
export type WorkerReply =
  /** The worker has loaded the run and starts it now: from here on the run's own time limit counts. */
  | { index: number; started: true }
  | { index: number; result: RunResult; retire?: boolean };

export interface PoolOptions {
  /** Child processes at a time. */
  size: number;
  seed: number;
  shared: SharedRunOptions;
  plan?: WorkerPlan;
  /**
   * Real time a run may take before its worker is killed: past the run's own watchdog and close
   * limit, so it only ends what those cannot, a synchronous busy loop that never yields.
   */
  killAfterMs: (run: PlannedRun) => number;
  /** Starts one worker (default: `flatline __worker` over IPC). */
  spawn?: () => ChildProcess;
}

const BIN = fileURLToPath(new URL('../../bin/flatline.mjs', import.meta.url));

/** Real time a worker gets to exit by itself once it has no more jobs, before it is killed. */
const EXIT_GRACE_MS = 2000;

/** Real time a worker may take to start and load a run's file (tsx compiles it) before the run itself starts. */
const LOAD_LIMIT_MS = 60_000;

const spawnWorker = () => fork(BIN, ['__worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

/**
 * Runs `plan` in child processes, `size` at a time, one job per worker at a time, and reports each
 * result as it arrives. Whatever a run does to its process (throws from a socket handler, hangs in
 * close(), loops on Date.now() or setImmediate) costs that run alone: it becomes an error result,
 * its worker is replaced, and every other run goes on.
 */
export async function runInPool(plan: PlannedRun[], options: PoolOptions, report: (result: RunResult, run: PlannedRun) => void): Promise<void> {
  const queue = [...plan];
  const spawn = options.spawn ?? spawnWorker;
  const slot = async () => {
    while (queue.length > 0) await serve(spawn(), queue, options, report);
  };
  await Promise.all(Array.from({ length: Math.min(options.size, plan.length) }, slot));
}

/** Feeds jobs to one worker until the queue is empty or the worker is gone; resolves once it has exited. */
function serve(child: ChildProcess, queue: PlannedRun[], options: PoolOptions, report: (result: RunResult, run: PlannedRun) => void): Promise<void> {
  return new Promise((resolve) => {
    let current: PlannedRun | undefined;
    let killer: ReturnType<typeof realTimers.setTimeout> | undefined;
    const settle = (result: RunResult) => {
      realTimers.clearTimeout(killer);
      const run = current!;
      current = undefined;
      report(result, run);
    };
    const next = () => {
      current = queue.shift();
      if (!current) return finish();
      const run = current;
      const job: WorkerJob = { index: run.index, file: run.file, position: run.position, seed: options.seed, shared: options.shared, plan: options.plan };
      child.send(job);
      arm(run, LOAD_LIMIT_MS + options.killAfterMs(run), 'the worker did not finish loading and running it');
    };
    const arm = (run: PlannedRun, ms: number, what: string) => {
      realTimers.clearTimeout(killer);
      killer = realTimers.setTimeout(() => {
        child.kill('SIGKILL');
        settle(unjudgedResult(run, options.seed, 'FLATLINE_ERR_CLOCK_LIMIT', `killed after ${formatMs(ms)} of real time: ${what}`));
      }, ms);
    };
    // No more jobs: let the worker go, and kill it if something it ran keeps it alive.
    const finish = () => {
      if (child.connected) child.disconnect();
      realTimers.setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS).unref();
    };
    child.on('message', (reply: WorkerReply) => {
      if (!current || reply.index !== current.index) return;
      if ('started' in reply) {
        const why = 'the run neither ended nor let its own watchdog fire, so it is stuck in a synchronous loop (waiting on Date.now(), which never advances in virtual time?)';
        return arm(current, options.killAfterMs(current), why);
      }
      settle(reply.result);
      if (reply.retire) finish();
      else next();
    });
    child.once('error', (err) => {
      if (current) settle(unjudgedResult(current, options.seed, 'FLATLINE_ERR_CRASH', `the worker process failed: ${err.message}`));
      resolve();
    });
    child.once('exit', (code, signal) => {
      // Gone mid-run without an answer: that run is an error, never a pass; the rest go to a new worker.
      if (current) settle(unjudgedResult(current, options.seed, 'FLATLINE_ERR_CRASH', `the worker process ${signal ? `was killed by ${signal}` : `exited with code ${code}`} during this run`));
      resolve();
    });
    next();
  });
}
