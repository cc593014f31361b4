import path from 'node:path';
import { plural } from '../../checks/verdict.ts';
import type { RunResult, RunStatus } from '../../scenario/results.ts';
import { runKeyNumbers } from './key-numbers.ts';
import { STATUS_ORDER } from './status-order.ts';

/**
 * The subject matrix, Autobahn-style: a row per case, a column per subject, each cell the run's
 * status and key numbers. A case is a scenario of a matrix over `subject` (its name without the
 * cell, its other parameters); a grid holds one scenario folder, so the gallery and the built-in
 * suites, which judge different subjects, get a grid each.
 */
export interface CaseGrid {
  /** "scenarios/gallery". */
  folder: string;
  cases: CaseRow[];
  subjects: SubjectColumn[];
  /** A case a subject did not run has no cell. */
  cells: CaseCell[];
}

export interface CaseRow {
  /** The scenario's name without its matrix cell: "gallery blackhole: silence both ways ...". */
  name: string;
  /** The cell's other parameters, "guarantee=at-least-once"; empty when subject is the only one. */
  params: string;
  file: string;
}

export interface SubjectColumn {
  subject: string;
  /** "4 of 6 cases hold; 2 expected findings". */
  summary: string;
}

export interface CaseCell {
  /** Indexes into the grid's cases and subjects. */
  row: number;
  column: number;
  /** The run's id; when merged results ran a case twice, the worse run. */
  run: string;
  status: RunStatus;
  keys: string[];
}

export function buildCaseGrids(runs: readonly RunResult[]): CaseGrid[] {
  const overSubject = runs.filter((r) => r.cell !== undefined && 'subject' in r.cell);
  return [...groupBy(overSubject, (r) => path.posix.dirname(r.file))].flatMap(([folder, inFolder]) => caseGrid(folder, inFolder) ?? []);
}

/** Null unless two subjects share two cases: fewer is a list, not a comparison. */
function caseGrid(folder: string, runs: RunResult[]): CaseGrid | null {
  // A case only one subject ran compares nothing; it stays in the run list.
  const cases = [...groupBy(runs, caseKey).values()].filter((rs) => new Set(rs.map((r) => r.subject)).size >= 2);
  const kept = new Set(cases.flat());
  const subjects = [...new Set(runs.filter((r) => kept.has(r)).map((r) => r.subject))];
  const ran = cases.map((rs) => new Set(rs.map((r) => r.subject)));
  const compared = subjects.some((a, i) => subjects.slice(i + 1).some((b) => ran.filter((s) => s.has(a) && s.has(b)).length >= 2));
  if (!compared) return null;

  const cells = cases.flatMap((rs, row) =>
    [...groupBy(rs, (r) => r.subject)].map(([subject, repeats]): CaseCell => {
      const run = repeats.reduce((worst, r) => (STATUS_ORDER[r.status] < STATUS_ORDER[worst.status] ? r : worst));
      return { row, column: subjects.indexOf(subject), run: run.id, status: run.status, keys: runKeyNumbers(run) };
    }),
  );
  return {
    folder,
    cases: cases.map(([first]) => ({ name: caseName(first!), params: caseParams(first!), file: first!.file })),
    subjects: subjects.map((subject, column) => ({ subject, summary: columnSummary(cells.filter((c) => c.column === column).map((c) => c.status)) })),
    cells,
  };
}

const caseKey = (r: RunResult) => JSON.stringify([r.file, caseName(r), caseParams(r)]);

/** The loader names a matrix run "<name> [k=v ...]"; the case is the name before the cell. */
function caseName(r: RunResult): string {
  const cut = r.scenario.lastIndexOf(' [');
  return r.scenario.endsWith(']') && cut > 0 ? r.scenario.slice(0, cut) : r.scenario;
}

function caseParams(r: RunResult): string {
  return Object.entries(r.cell ?? {})
    .filter(([k]) => k !== 'subject')
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
}

export function columnSummary(statuses: readonly RunStatus[]): string {
  const n = (s: RunStatus) => statuses.filter((x) => x === s).length;
  const others = [n('finding') && plural(n('finding'), 'expected finding'), n('fail') && `${n('fail')} failed`, n('error') && `${n('error')} could not be judged`].filter(Boolean);
  return `${n('pass')} of ${plural(statuses.length, 'case')} hold${others.length ? `; ${others.join(', ')}` : ''}`;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
