import { importUserModule, planRuns, type PlannedRun } from '../scenario/loader.ts';
import { unjudgedResult, type RunResult } from '../scenario/results.ts';
import { runScenario } from '../scenario/runner.ts';
import type { WorkerJob, WorkerReply } from '../scenario/worker-pool.ts';
import type { Command } from './command.ts';

export const usage = 'flatline __worker: internal; runs scenarios sent by `flatline run` over IPC, one at a time.';

/**
 * A child process of `flatline run`: rebuilds each job's run from its file and runs it. An
 * exception nobody catches (an adapter that throws in a socket handler) is the current run's error,
 * answered before the process exits; after any run that ended in error the worker retires, so what
 * that run left behind cannot touch the next one.
 */
export const run: Command['run'] = async () => {
  if (!process.send) return 2;
  const plans = new Map<string, Promise<PlannedRun[]>>();
  let setUp: Promise<unknown> | undefined;
  let current: { job: WorkerJob; planned?: PlannedRun } | undefined;
  const answer = (reply: WorkerReply) => new Promise<void>((resolve) => process.send!(reply, undefined, undefined, () => resolve()));
  process.on('uncaughtException', (err) => {
    const job = current;
    if (!job) throw err;
    current = undefined;
    const what = job.planned ?? { file: job.job.file, scenario: { name: `(run ${job.job.position} of ${job.job.file})` } };
    const result = unjudgedResult(what as PlannedRun, job.job.seed, 'FLATLINE_ERR_CRASH', `uncaught exception during the run (thrown where nothing could catch it, e.g. in a socket handler): ${err instanceof Error ? err.message : String(err)}`);
    void answer({ index: job.job.index, result, retire: true }).finally(() => process.exit(70));
  });
  await new Promise<void>((resolve) => {
    process.on('disconnect', resolve);
    process.on('message', async (job: WorkerJob) => {
      current = { job };
      // the setup modules register the subjects the parent saw, before any file is planned
      await (setUp ??= Promise.all((job.plan?.setup ?? []).map((file) => importUserModule(file))));
      if (!plans.has(job.file)) plans.set(job.file, planRuns([job.file], { subject: job.plan?.subject }).then((p) => p.runs));
      const planned = (await plans.get(job.file)!).find((r) => r.position === job.position)!;
      current.planned = planned;
      process.send!({ index: job.index, started: true } satisfies WorkerReply);
      const result = await runScenario(planned.scenario, { ...job.shared, seed: job.seed, file: job.file, cell: planned.cell });
      if (current?.job !== job) return; // the run crashed meanwhile and was answered for
      current = undefined;
      const judged = (await spinsOnSetImmediate()) ? leftSpinning(result) : result;
      const retire = judged.status === 'error';
      await answer({ index: job.index, result: judged, retire });
      if (retire) process.exit(0);
    });
  });
  return 0;
};

/** Turns of the event loop in a row with a setImmediate pending that mean something re-arms it for ever. */
const SPIN_TURNS = 20;

/**
 * Whether the run left a setImmediate loop behind. Its world is closed and its clock gone by now, so
 * nothing of flatline's waits on setImmediate: one pending turn after turn is a loop that would keep
 * the process alive (and busy) for ever.
 */
async function spinsOnSetImmediate(): Promise<boolean> {
  for (let i = 0; i < SPIN_TURNS; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!process.getActiveResourcesInfo().includes('Immediate')) return false;
  }
  return true;
}

function leftSpinning(result: RunResult): RunResult {
  const message = 'the run left a setImmediate loop running after its world closed (a callback that re-arms setImmediate for ever); it would keep the process busy and alive, so the worker running it was replaced';
  return { ...result, status: 'error', error: result.error ?? { code: 'FLATLINE_ERR_CLOSE', message } };
}
