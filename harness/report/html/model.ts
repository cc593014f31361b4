import type { Verdict } from '../../checks/verdict.ts';
import type { ResultsFile, RunError, RunResult, RunStatus, RunSummary } from '../../scenario/results.ts';
import { readableDurations } from '../../util/duration.ts';
import type { ResultsDiff } from '../diff.ts';
import { buildBackoff, type BackoffView } from './backoff.ts';
import { buildDelivery, type DeliveryView } from './delivery.ts';
import { buildFleetLines, type FleetLine } from './fleet.ts';
import { buildCaseGrids, type CaseGrid } from './gallery.ts';
import { buildMatrix, type MatrixGrid } from './matrix.ts';
import { STATUS_ORDER } from './status-order.ts';
import { buildTimeline, type TimelineView } from './timeline.ts';

/**
 * Everything the page shows, prepared here rather than in the browser: per run only what the
 * charts need (never the full trace), so a report of 1,000 runs stays a few megabytes.
 */
export interface ReportData {
  flatline: string;
  seed: number;
  summary: RunSummary;
  /** Failing first: fail, error, finding, pass; plan order within each. */
  runs: RunView[];
  matrix: MatrixGrid[];
  /** Cases x subjects, one grid per scenario folder whose matrices over subject compare at least two subjects. */
  gallery: CaseGrid[];
  /** Every fleet run judged by a herd check: a line each on the fleet page. */
  fleets: FleetLine[];
  /** What changed since a baseline run, when one was given: shown first. */
  changes: ResultsDiff | null;
  /** What the reader must know about how the report was made (a shard missing from a merge). */
  notes: string[];
}

/** What a report shows besides the results. */
export interface ReportExtras {
  diff?: ResultsDiff;
  notes?: string[];
}

export interface RunView {
  id: string;
  scenario: string;
  file: string;
  subject: string;
  status: RunStatus;
  seed: number;
  description?: string;
  finding?: string;
  cell?: Record<string, unknown>;
  virtualMs: number;
  wallMs: number;
  replay: string;
  error?: RunError;
  /** One line saying why the run has its status: the error, the first failing verdict, or that all hold. */
  why: string;
  verdicts: Verdict[];
  timeline: TimelineView | null;
  backoff: BackoffView | null;
  delivery: DeliveryView | null;
}

export function buildReportData(results: ResultsFile, { diff, notes = [] }: ReportExtras = {}): ReportData {
  const runs = results.runs.map((run, i) => ({ run, i })).sort((a, b) => STATUS_ORDER[a.run.status] - STATUS_ORDER[b.run.status] || a.i - b.i);
  return {
    flatline: results.flatline,
    seed: results.seed,
    summary: results.summary,
    runs: runs.map(({ run }) => runView(run)),
    matrix: buildMatrix(results.runs),
    gallery: buildCaseGrids(results.runs),
    fleets: buildFleetLines(results.runs),
    changes: diff ?? null,
    notes,
  };
}

function runView(run: RunResult): RunView {
  return {
    id: run.id,
    scenario: run.scenario,
    file: run.file,
    subject: run.subject,
    status: run.status,
    seed: run.seed,
    description: run.description,
    finding: run.finding,
    cell: run.cell,
    virtualMs: run.virtualMs,
    wallMs: run.wallMs,
    replay: run.replay,
    error: run.error,
    why: readableDurations(whyLine(run)),
    // Summaries read "7m58.529s" rather than the checks' "7m58s529ms"; the numbers stay exact.
    verdicts: run.verdicts.map((v) => ({ ...v, summary: readableDurations(v.summary) })),
    timeline: buildTimeline(run),
    backoff: buildBackoff(run),
    delivery: buildDelivery(run),
  };
}

export function whyLine(run: Pick<RunResult, 'status' | 'error' | 'verdicts'>): string {
  if (run.error) return `${run.error.code}: ${run.error.message}`;
  const notable = run.verdicts.find((v) => v.status === 'error') ?? run.verdicts.find((v) => v.status === 'fail');
  if (notable) return `${notable.check}: ${notable.summary}`;
  if (run.verdicts.length === 1) return `${run.verdicts[0]!.check}: ${run.verdicts[0]!.summary}`;
  return `all ${run.verdicts.length} checks hold`;
}
