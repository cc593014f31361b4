import { importUserModule, planRuns, type PlannedRun } from '../scenario/loader.ts';
import { runScenario } from '../scenario/runner.ts';
import type { WorkerJob, WorkerReply } from '../scenario/suite.ts';
import type { Command } from './command.ts';

export const usage = 'flatline __worker: internal; runs scenarios sent by `flatline run --workers N` over IPC.';

/** A child process of `flatline run --workers N`: rebuilds each job's run from its file and runs it. */
export const run: Command['run'] = async () => {
  if (!process.send) return 2;
  const plans = new Map<string, Promise<PlannedRun[]>>();
  let setUp: Promise<unknown> | undefined;
  await new Promise<void>((resolve) => {
    process.on('disconnect', resolve);
    process.on('message', async (job: WorkerJob) => {
      // the setup modules register the subjects the parent saw, before any file is planned
      await (setUp ??= Promise.all((job.plan?.setup ?? []).map((file) => importUserModule(file))));
      if (!plans.has(job.file)) plans.set(job.file, planRuns([job.file], { subject: job.plan?.subject }).then((p) => p.runs));
      const planned = (await plans.get(job.file)!).find((r) => r.position === job.position)!;
      const result = await runScenario(planned.scenario, { ...job.shared, seed: job.seed, file: job.file, cell: planned.cell });
      const reply: WorkerReply = { index: job.index, result };
      process.send!(reply);
    });
  });
  return 0;
};
