import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { renderHtml } from '../report/html/render.ts';
import { renderJson } from '../report/json.ts';
import { renderJunit } from '../report/junit.ts';
import { readResultsFile } from '../report/results-file.ts';
import { mergeShards } from '../report/shards.ts';
import { usageError, type Command } from './command.ts';
import { paintFor } from '../report/colour.ts';
import { BASELINE_OPTIONS, BASELINE_USAGE, compareWithBaseline, parseBaselineArgs, regressionExit } from './baseline.ts';

export const usage = `Usage: flatline report <results.json> [more results.json...] [--out reports/index.html]

Writes the HTML reliability report: one self-contained file (no network needed to open it) with the
pass / fail / finding / error counts, every run (failing first) with its verdicts, its timeline and
its backoff chart, and the heartbeat x NAT matrix. Several results files (a suite and a
"flatline nat --simulate", say) make one report; the results of "flatline run --shard i/n" are
merged back into the order of the unsharded run (a missing shard is warned about).

Options:
  --out FILE          where the report goes (default reports/index.html)
${BASELINE_USAGE}
  --json FILE         also write the merged results there (a results.json, say as the next baseline)
  --junit FILE        also write them as JUnit XML, for CI test views
  --diff FILE         with --baseline: where the diff's JSON goes (default diff.json beside --out)
  -h, --help          show this help

Exit codes: 0 the report was written, 1 with --fail-on-regression: a run got worse than the
baseline, 2 a usage error or a file that is not a flatline results file.`;

export const run: Command['run'] = async (argv, io) => {
  const { values, positionals } = parse(argv);
  if (positionals.length === 0) throw usageError('give the results.json to report on, e.g. flatline report reports/results.json');
  const baseline = parseBaselineArgs(values);
  if (values.diff !== undefined && !baseline) throw usageError('--diff writes the comparison with a baseline; add --baseline old/results.json');
  const { results, warnings } = mergeShards(positionals.map((file) => ({ file, results: readResultsFile(file) })));
  for (const warning of warnings) io.stderr.write(`flatline report: warning: ${warning}\n`);
  const out = values.out ?? path.join('reports', 'index.html');
  const diff = baseline ? compareWithBaseline(baseline, results, io.stdout, paintFor(io.stdout, process.env), values.diff ?? path.join(path.dirname(out), 'diff.json')) : undefined;
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, renderHtml(results, { diff, notes: warnings }));
  const extra = [
    [values.json, renderJson],
    [values.junit, renderJunit],
  ] as const;
  for (const [file, render] of extra) {
    if (file === undefined) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, render(results));
  }
  const s = results.summary;
  const wrote = [out, ...extra.flatMap(([file]) => (file === undefined ? [] : [file]))].map((f) => `wrote ${f}\n`).join('');
  io.stdout.write(`${s.total} runs: ${s.pass} passed, ${s.fail} failed, ${s.finding} expected findings, ${s.error} errors\n${wrote}`);
  return regressionExit(baseline, diff, 0);
};

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, strict: true, options: { out: { type: 'string' }, json: { type: 'string' }, junit: { type: 'string' }, diff: { type: 'string' }, ...BASELINE_OPTIONS } });
  } catch (err) {
    throw usageError((err as Error).message);
  }
}
