/**
 * The common shape every check returns. Plain data only (no Infinity, NaN or undefined values), so
 * a verdict goes through JSON.stringify unchanged into the JSON report and back.
 */

/** One measured number or fact; `null` for "never happened". */
export type Measure = number | string | boolean | null;

/**
 * pass / fail judge the client. error means the trace cannot answer the question (the fault never
 * happened, the run was too short): the scenario is wrong, not the client.
 */
export type VerdictStatus = 'pass' | 'fail' | 'error';

export interface Verdict {
  check: string;
  status: VerdictStatus;
  /** One line with numbers: "detected after 3m10s, bound 3m10s". */
  summary: string;
  measured: Record<string, Measure>;
  /** What the measurements were held against, when there is a limit. */
  bound?: Record<string, Measure>;
  /**
   * What the verdict was judged under that a reader must know: against a peer on real time, through
   * a pause of the process. Also appended to the summary, so every report shows it.
   */
  caveats?: string[];
}

export interface VerdictParts {
  summary: string;
  measured: Record<string, Measure>;
  bound?: Record<string, Measure>;
}

/** A pass or fail verdict, by `ok`. */
export function judge(check: string, ok: boolean, parts: VerdictParts): Verdict {
  const verdict: Verdict = { check, status: ok ? 'pass' : 'fail', summary: parts.summary, measured: parts.measured };
  if (parts.bound) verdict.bound = parts.bound;
  return verdict;
}

export const pass = (check: string, parts: VerdictParts): Verdict => judge(check, true, parts);
export const fail = (check: string, parts: VerdictParts): Verdict => judge(check, false, parts);

/** "1 attempt", "3 attempts": summaries are read by people. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The trace lacks what the check needs; `summary` says what is missing and what to do. */
export function errored(check: string, summary: string, measured: Record<string, Measure> = {}): Verdict {
  return { check, status: 'error', summary, measured };
}
