import fs from 'node:fs';
import path from 'node:path';
import { changesText } from '../report/changes-text.ts';
import type { Paint } from '../report/colour.ts';
import { diffResults, parseTolerance, type ResultsDiff } from '../report/diff.ts';
import { readResultsFile } from '../report/results-file.ts';
import type { ResultsFile } from '../scenario/results.ts';
import type { Output } from './command.ts';
import { usageError } from './command.ts';

/** The options `flatline run` and `flatline report` share for comparing with an earlier run. */
export const BASELINE_OPTIONS = {
  baseline: { type: 'string' },
  tolerance: { type: 'string' },
  'fail-on-regression': { type: 'boolean' },
} as const;

export const BASELINE_USAGE = `  --baseline FILE     compare with an earlier results.json: verdict flips and the key numbers
                      (detection time, reconnects and waits, lost, duplicated, unresolved)
                      that moved; shown first in the report, written as JSON to diff.json
  --tolerance T       a number moving less than T of its value is no change (default 10%)
  --fail-on-regression  exit 1 when a run got worse than the baseline, even if every verdict holds`;

export interface BaselineArgs {
  file: string;
  tolerance: number;
  failOnRegression: boolean;
  /** Read up front, so a bad file is a usage error before any run. */
  results: ResultsFile;
}

export function parseBaselineArgs(values: { baseline?: string; tolerance?: string; 'fail-on-regression'?: boolean }): BaselineArgs | undefined {
  if (values.baseline === undefined) {
    if (values.tolerance !== undefined || values['fail-on-regression']) throw usageError('--tolerance and --fail-on-regression compare with a baseline; add --baseline old/results.json');
    return undefined;
  }
  const tolerance = values.tolerance === undefined ? 0.1 : parseTolerance(values.tolerance);
  if (tolerance === undefined) throw usageError(`--tolerance must be a percentage from 0% to 100% or a fraction from 0 to 1, like 10% (got ${JSON.stringify(values.tolerance)})`);
  return { file: values.baseline, tolerance, failOnRegression: values['fail-on-regression'] ?? false, results: readResultsFile(values.baseline) };
}

/**
 * Compares, prints the changes, writes the diff's JSON; returns the diff. `ours` keeps the baseline's
 * runs this run could have run (a shard's own), so the others do not count as gone.
 */
export function compareWithBaseline(args: BaselineArgs, results: ResultsFile, out: Output, paint: Paint, jsonFile?: string, ours: (id: string) => boolean = () => true): ResultsDiff {
  const diff = diffResults({ ...args.results, runs: args.results.runs.filter((r) => ours(r.id)) }, results, args.tolerance);
  out.write(changesText(diff, args.file, paint));
  if (jsonFile) {
    fs.mkdirSync(path.dirname(jsonFile), { recursive: true });
    fs.writeFileSync(jsonFile, `${JSON.stringify({ ...diff, baseline: { file: args.file, ...diff.baseline } }, null, 2)}\n`);
    out.write(`wrote ${jsonFile}\n`);
  }
  return diff;
}

/** 1 for a regression when asked, else the exit code as it was. */
export const regressionExit = (args: BaselineArgs | undefined, diff: ResultsDiff | undefined, code: number): number =>
  args?.failOnRegression && diff && diff.counts.regressed > 0 ? Math.max(code, 1) : code;
