import type { LoadFailure, PlannedRun } from '../scenario/loader.ts';
import { usageError } from './command.ts';

/** `--shard 2/3`: this machine runs the second of three parts of the plan. */
export interface Shard {
  /** 1-based. */
  index: number;
  total: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : Number.NaN;
  const total = m ? Number(m[2]) : Number.NaN;
  if (!(total >= 1 && total <= 1024 && index >= 1 && index <= total)) {
    throw usageError(`--shard must be i/n with 1 <= i <= n <= 1024, like 2/3 (got ${JSON.stringify(text)})`);
  }
  return { index, total };
}

/**
 * Which shard (1-based) a run belongs to: by a hash of its id alone (FNV-1a over the id's UTF-8
 * bytes, http://www.isthe.com/chongo/tech/comp/fnv/), so every machine agrees without talking, and
 * adding a file or a scenario never moves the runs already placed.
 */
export function shardOf(id: string, total: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(id, 'utf8')) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return (hash % total) + 1;
}

export const inShard = (id: string, shard: Shard): boolean => shardOf(id, shard.total) === shard.index;

/** The id a planned run's result will have (harness/scenario/runner.ts and suite.ts build it so). */
const plannedId = (file: string, name: string) => `${file}#${name}`;
const LOAD_FAILURE_NAME = '(file does not load)';

/**
 * This shard's part of a plan, renumbered so results fill their places, and the ids of the whole
 * plan in the order an unsharded run reports them (files that do not load first, as runSuite does).
 */
export function selectShard(plan: PlannedRun[], failures: LoadFailure[], shard: Shard): { plan: PlannedRun[]; failures: LoadFailure[]; ids: string[] } {
  const ids = [...failures.map((f) => plannedId(f.file, LOAD_FAILURE_NAME)), ...plan.map((r) => plannedId(r.file, r.scenario.name))];
  return {
    plan: plan.filter((r) => inShard(plannedId(r.file, r.scenario.name), shard)).map((r, index) => ({ ...r, index })),
    failures: failures.filter((f) => inShard(plannedId(f.file, LOAD_FAILURE_NAME), shard)),
    ids,
  };
}
