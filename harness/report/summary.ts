import { plural } from '../checks/verdict.ts';
import type { RunResult, RunStatus, RunSummary } from '../scenario/results.ts';
import { readableDurations, readableMs } from '../util/duration.ts';
import { plain, type Paint, type Tone } from './colour.ts';

const MARK: Record<RunStatus, string> = { pass: 'PASS', fail: 'FAIL', finding: 'FIND', error: 'ERR ' };

/** Names and texts longer than this are cut in the terminal; results.json and the report keep them whole. */
export const MAX_LINE_TEXT = 160;

/** "a long name…" cut to `max` characters (code points, so an emoji is never split). */
export function clip(text: string, max = MAX_LINE_TEXT): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** One progress line as a run finishes: "[ 3/40] PASS  nat keep-alive [...]  (tcp, 24h in 0.21s)". */
export function progressLine(run: RunResult, done: number, total: number, paint: Paint = plain): string {
  const width = String(total).length;
  return `[${String(done).padStart(width)}/${total}] ${paint(run.status, MARK[run.status])}  ${clip(run.scenario)}  ${paint('dim', `(${run.subject}, ${readableMs(run.virtualMs)} in ${(run.wallMs / 1000).toFixed(2)}s)`)}\n`;
}

/**
 * The end-of-run table: every run that failed or could not be judged, with its verdict numbers and
 * the line that replays it; then each expected finding on one line (they are known, so they stay
 * visible without pushing the counts off the screen); then the counts.
 */
export function summaryText(runs: RunResult[], summary: RunSummary, outputs: string[], paint: Paint = plain): string {
  const lines: string[] = ['', paint('bold', 'flatline results'), ''];
  const bad = [...runs.filter((r) => r.status === 'error'), ...runs.filter((r) => r.status === 'fail')];
  for (const run of bad) {
    lines.push(`${paint(run.status, MARK[run.status])}  ${paint('bold', clip(run.scenario))}  (${run.file})`);
    if (run.error) lines.push(`      error: ${clip(run.error.message, 4 * MAX_LINE_TEXT)}`);
    for (const v of run.verdicts.filter((v) => v.status !== 'pass')) lines.push(`      ${v.check}: ${readableDurations(v.summary)}`);
    lines.push(paint('dim', `      replay: ${run.replay}`));
  }
  const findings = runs.filter((r) => r.status === 'finding');
  if (bad.length && findings.length) lines.push('');
  for (const run of findings) lines.push(`${paint('finding', MARK.finding)}  ${clip(run.scenario)}: ${paint('dim', clip(run.finding ?? 'expected finding'))}`);
  if (bad.length || findings.length) lines.push('');
  lines.push(...caveatLines(runs));
  const count = (n: number, word: string, tone: Tone) => (n ? paint(tone, `${n} ${word}`) : `${n} ${word}`);
  lines.push(
    `${summary.total} runs: ${count(summary.pass, 'passed', 'pass')}, ${count(summary.fail, 'failed', 'fail')}, ${count(summary.finding, 'expected findings', 'finding')}, ${count(summary.error, 'errors', 'error')}`,
    `covered ${readableMs(summary.virtualMs)} of virtual time in ${(summary.wallMs / 1000).toFixed(1)} s`,
  );
  for (const out of outputs) lines.push(`wrote ${out}`);
  return `${lines.join('\n')}\n`;
}

/** How many distinct caveats the terminal names; the report has every one on its verdicts. */
const MAX_CAVEATS = 3;

/**
 * What runs were judged under, each distinct caveat once with how many runs carry it: a run that
 * passed against a real-time peer, or through a long pause, says so here too, not only in the report.
 */
function caveatLines(runs: RunResult[]): string[] {
  const carried = new Map<string, number>();
  for (const run of runs) {
    for (const caveat of new Set(run.verdicts.flatMap((v) => v.caveats ?? []))) carried.set(caveat, (carried.get(caveat) ?? 0) + 1);
  }
  const lines = [...carried].slice(0, MAX_CAVEATS).map(([caveat, n]) => `caveat, ${plural(n, 'run')}: ${clip(caveat, 2 * MAX_LINE_TEXT)}`);
  if (carried.size > MAX_CAVEATS) lines.push(`and ${carried.size - MAX_CAVEATS} other caveats: see the report`);
  return lines.length ? [...lines, ''] : [];
}
