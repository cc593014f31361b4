import type { Verdict } from '../checks/verdict.ts';
import type { PlannedRun } from './loader.ts';
import type { SubjectPromises } from './subjects.ts';
import type { TraceEvent } from '../trace/trace.ts';

/**
 * pass: every verdict holds. fail: one does not. finding: one does not, and the scenario says the
 * subject is known to fall short there (expected, shown, not a suite failure). error: the run
 * could not judge the subject (bad scenario, crash, hang); never counted as a pass.
 */
export type RunStatus = 'pass' | 'fail' | 'finding' | 'error';

export interface RunError {
  code: string;
  message: string;
}

/** One run of one scenario (one matrix cell), everything a report needs. */
export interface RunResult {
  /** Stable identity: file, scenario name (cell included). */
  id: string;
  file: string;
  scenario: string;
  description?: string;
  /** The matrix parameters of this run, when it came from a matrix. */
  cell?: Record<string, unknown>;
  subject: string;
  seed: number;
  status: RunStatus;
  finding?: string;
  /** What the subject promised (its detection bound, reconnect schedule, guarantee): the checks' defaults. */
  promised?: SubjectPromises;
  verdicts: Verdict[];
  error?: RunError;
  /** Virtual time the run covered. */
  virtualMs: number;
  /** Real time it took; the only field that differs between two runs with the same seed. */
  wallMs: number;
  /** The command line that reruns exactly this run. */
  replay: string;
  trace: TraceEvent[];
}

export interface RunSummary {
  total: number;
  pass: number;
  fail: number;
  finding: number;
  error: number;
  virtualMs: number;
  wallMs: number;
}

/** Everything `flatline run` writes to results.json. */
export interface ResultsFile {
  flatline: string;
  seed: number;
  summary: RunSummary;
  runs: RunResult[];
}

export function statusOf(verdicts: Verdict[], finding: string | undefined): RunStatus {
  if (verdicts.some((v) => v.status === 'error')) return 'error';
  if (verdicts.some((v) => v.status === 'fail')) return finding ? 'finding' : 'fail';
  return 'pass';
}

export function summarize(runs: RunResult[], wallMs: number): RunSummary {
  const count = (status: RunStatus) => runs.filter((r) => r.status === status).length;
  return {
    total: runs.length,
    pass: count('pass'),
    fail: count('fail'),
    finding: count('finding'),
    error: count('error'),
    virtualMs: runs.reduce((sum, r) => sum + r.virtualMs, 0),
    wallMs,
  };
}

/** A run that produced no verdicts: it could not load, crashed or was killed. Never counted as a pass. */
export function unjudgedResult(run: Pick<PlannedRun, 'file' | 'scenario' | 'cell'>, seed: number, code: string, message: string): RunResult {
  return {
    id: `${run.file}#${run.scenario.name}`,
    file: run.file,
    scenario: run.scenario.name,
    cell: run.cell,
    subject: run.scenario.subject?.kind ?? 'unknown',
    seed,
    status: 'error',
    verdicts: [],
    error: { code, message },
    virtualMs: 0,
    wallMs: 0,
    replay: `flatline run ${run.file} --filter ${JSON.stringify(run.scenario.name)} --seed ${seed}`,
    trace: [],
  };
}
