import type { ResultsFile, RunResult } from '../scenario/results.ts';
import { FlatlineError } from '../util/errors.ts';
import { mergeResults } from './results-file.ts';

/** What a results.json written by `flatline run --shard i/n` adds: which part it is, and the whole plan. */
export interface ShardInfo {
  index: number;
  total: number;
  /** Every run id of the whole plan, in plan order, whichever shard runs it: the merge restores this order. */
  plan: string[];
}

export type ShardedResultsFile = ResultsFile & { shard?: ShardInfo };

export interface MergedResults {
  results: ResultsFile;
  /** Shards missing from the set, said in words; the report is still written from those given. */
  warnings: string[];
}

/**
 * Several results files as one report. The shards of one sharded run become one results file with
 * its runs in the unsharded plan order (so the merge equals the unsharded run, wall times aside),
 * placed where its first shard was given; other files (a `flatline nat --simulate`) stay as given.
 */
export function mergeShards(files: readonly { file: string; results: ShardedResultsFile }[]): MergedResults {
  const sharded = files.filter((f) => f.results.shard);
  if (sharded.length === 0) return { results: mergeResults(files.map((f) => f.results)), warnings: [] };
  const first = sharded[0]!;
  const bad = (what: string) => new FlatlineError('FLATLINE_ERR_CONFIG', what);
  const seen = new Map<number, string>();
  for (const { file, results } of sharded) {
    const { shard } = results;
    if (!isShardInfo(shard)) throw bad(`${file}: its "shard" field is not {index, total, plan: [run ids]}; give a results.json that "flatline run --shard i/n" wrote`);
    if (shard.total !== first.results.shard!.total || !samePlan(shard.plan, first.results.shard!.plan)) {
      throw bad(`${file} (shard ${shard.index}/${shard.total}, ${shard.plan.length} runs planned) is not from the same plan as ${first.file} (shard ${first.results.shard!.index}/${first.results.shard!.total}, ${first.results.shard!.plan.length} runs): run every shard from the same commit and files`);
    }
    if (results.seed !== first.results.seed) throw bad(`${file} ran with seed ${results.seed}, ${first.file} with seed ${first.results.seed}: run every shard with the same --seed`);
    if (seen.has(shard.index)) throw bad(`shard ${shard.index}/${shard.total} is given twice: ${seen.get(shard.index)} and ${file}`);
    seen.set(shard.index, file);
  }
  const { total, plan } = first.results.shard!;
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  const order = new Map(plan.map((id, i) => [id, i]));
  const runs: RunResult[] = sharded.flatMap((f) => f.results.runs).sort((a, b) => (order.get(a.id) ?? plan.length) - (order.get(b.id) ?? plan.length));
  const whole = mergeResults([{ ...first.results, runs }, ...sharded.slice(1).map((f) => ({ ...f.results, runs: [] }))]);
  const parts = files.flatMap((f) => (f === first ? [whole] : f.results.shard ? [] : [f.results]));
  const warnings = missing.length
    ? [`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${total}`).join(', ')} not given: the report holds ${runs.length} of the ${plan.length} planned runs`]
    : [];
  return { results: mergeResults(parts), warnings };
}

function isShardInfo(value: unknown): value is ShardInfo {
  const s = value as ShardInfo;
  return typeof s === 'object' && s !== null && Number.isInteger(s.index) && Number.isInteger(s.total) && Array.isArray(s.plan) && s.plan.every((id) => typeof id === 'string');
}

function samePlan(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
