import fs from 'node:fs';
import { summarize, type ResultsFile, type RunResult } from '../scenario/results.ts';
import { FlatlineError } from '../util/errors.ts';

const STATUSES = ['pass', 'fail', 'finding', 'error'];

/** The fields a report reads from every run, and what each must be. */
const RUN_FIELDS: [keyof RunResult, 'string' | 'number' | 'array'][] = [
  ['id', 'string'],
  ['file', 'string'],
  ['scenario', 'string'],
  ['seed', 'number'],
  ['virtualMs', 'number'],
  ['wallMs', 'number'],
  ['replay', 'string'],
  ['verdicts', 'array'],
  ['trace', 'array'],
];

/** Reads a results.json that `flatline run` (or `flatline nat --simulate`) wrote, checking its shape. */
export function readResultsFile(file: string): ResultsFile {
  const bad = (what: string) => new FlatlineError('FLATLINE_ERR_CONFIG', `${file}: ${what}`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw bad(code === 'ENOENT' ? 'no such file; "flatline run" writes one to reports/results.json' : `cannot be read (${code ?? (err as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw bad(`is not JSON (${(err as Error).message}); give the results.json that "flatline run" wrote`);
  }
  const problem = resultsProblem(value);
  if (problem) throw bad(`is not a flatline results file: ${problem}`);
  return value as ResultsFile;
}

/** What is wrong with a would-be results file, or undefined when a report can read it. */
export function resultsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'expected an object like {"flatline", "seed", "summary", "runs": [...]}';
  const results = value as Partial<ResultsFile>;
  if (typeof results.flatline !== 'string') return 'it has no "flatline" version field';
  if (!Array.isArray(results.runs)) return 'it has no "runs" array';
  for (const [i, run] of results.runs.entries()) {
    if (typeof run !== 'object' || run === null) return `runs[${i}] is not an object`;
    for (const [field, kind] of RUN_FIELDS) {
      const v = run[field];
      const ok = kind === 'array' ? Array.isArray(v) : typeof v === kind;
      if (!ok) return `runs[${i}].${field} is missing or not ${kind === 'array' ? 'an array' : `a ${kind}`}`;
    }
    if (!STATUSES.includes(run.status)) return `runs[${i}].status is ${JSON.stringify(run.status)}; expected one of ${STATUSES.join(', ')}`;
    const event = traceProblem(run.trace);
    if (event) return `runs[${i}].trace${event}`;
  }
  return undefined;
}

/** The fields every trace event has (harness/trace/trace.ts), which the report's charts read. */
const EVENT_FIELDS = [
  ['t', 'number'],
  ['source', 'string'],
  ['type', 'string'],
] as const;

function traceProblem(trace: readonly unknown[]): string | undefined {
  for (const [j, event] of trace.entries()) {
    if (typeof event !== 'object' || event === null) return `[${j}] is not an object`;
    for (const [field, kind] of EVENT_FIELDS) {
      const v = (event as Record<string, unknown>)[field];
      if (typeof v !== kind) return `[${j}].${field} is ${JSON.stringify(v) ?? 'missing'}; expected a ${kind}`;
    }
  }
  return undefined;
}

/** Several results files as one (say a suite and a `flatline nat --simulate`): runs in file order, counts recomputed. */
export function mergeResults(files: readonly ResultsFile[]): ResultsFile {
  const runs = files.flatMap((f) => f.runs);
  const wallMs = files.reduce((sum, f) => sum + (typeof f.summary?.wallMs === 'number' ? f.summary.wallMs : 0), 0);
  return { flatline: files[0]!.flatline, seed: files[0]!.seed, summary: summarize(runs, wallMs), runs };
}
