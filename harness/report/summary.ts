import type { RunResult, RunStatus, RunSummary } from '../scenario/results.ts';
import { formatMs } from '../util/duration.ts';

const MARK: Record<RunStatus, string> = { pass: 'PASS', fail: 'FAIL', finding: 'FIND', error: 'ERR ' };

/** One progress line as a run finishes: "[ 3/40] PASS  nat keep-alive [...]  24h in 0.21s". */
export function progressLine(run: RunResult, done: number, total: number): string {
  const width = String(total).length;
  return `[${String(done).padStart(width)}/${total}] ${MARK[run.status]}  ${run.scenario}  (${run.subject}, ${formatMs(run.virtualMs)} in ${(run.wallMs / 1000).toFixed(2)}s)\n`;
}

/**
 * The end-of-run table: counts, then every run that did not pass with its verdict numbers and the
 * line that replays it; expected findings are listed too, so they stay visible.
 */
export function summaryText(runs: RunResult[], summary: RunSummary, outputs: string[]): string {
  const lines: string[] = ['', 'flatline results', ''];
  const notable = [...runs.filter((r) => r.status === 'error'), ...runs.filter((r) => r.status === 'fail'), ...runs.filter((r) => r.status === 'finding')];
  for (const run of notable) {
    lines.push(`${MARK[run.status]}  ${run.scenario}  (${run.file})`);
    if (run.error) lines.push(`      error: ${run.error.message}`);
    if (run.finding) lines.push(`      expected finding: ${run.finding}`);
    for (const v of run.verdicts.filter((v) => v.status !== 'pass')) lines.push(`      ${v.check}: ${v.summary}`);
    if (run.status !== 'finding') lines.push(`      replay: ${run.replay}`);
  }
  if (notable.length) lines.push('');
  const name = (n: number, word: string) => `${n} ${word}`;
  lines.push(
    `${name(summary.total, 'runs')}: ${name(summary.pass, 'passed')}, ${name(summary.fail, 'failed')}, ${name(summary.finding, 'expected findings')}, ${name(summary.error, 'errors')}`,
    `covered ${formatMs(summary.virtualMs)} of virtual time in ${(summary.wallMs / 1000).toFixed(1)} s`,
  );
  for (const out of outputs) lines.push(`wrote ${out}`);
  return `${lines.join('\n')}\n`;
}
