import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FlatlineError } from '../util/errors.ts';
import type { Matrix, Scenario, ScenarioExport } from './scenario.ts';

/** One run to do: a scenario (a matrix cell already built) from a file. */
export interface PlannedRun {
  file: string;
  /** Position in the plan; results are reported in this order whatever finished first. */
  index: number;
  /** Position among the file's own scenarios (matrix cells spread), so a worker can rebuild the same run. */
  position: number;
  scenario: Scenario;
  cell?: Record<string, unknown>;
}

/** A file that could not be turned into runs, reported instead of hiding the others. */
export interface LoadFailure {
  file: string;
  message: string;
}

const SUFFIX = '.scenario.ts';

/**
 * Resolves files, directories (every *.scenario.ts below them) and simple globs ("scenarios/*.scenario.ts",
 * "scenarios/**"). Paths come back relative to `cwd`, sorted, so plans are the same on every machine.
 */
export function resolveScenarioFiles(patterns: string[], cwd = process.cwd()): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) {
    const matches = /[*?]/.test(pattern) ? expandGlob(pattern, cwd) : expandPath(pattern, cwd);
    if (matches.length === 0) {
      throw new FlatlineError('FLATLINE_ERR_USAGE', `no scenario files match "${pattern}"; give a *.scenario.ts file, a directory or a glob`);
    }
    for (const m of matches) found.add(path.relative(cwd, m));
  }
  return [...found].sort();
}

function expandPath(p: string, cwd: string): string[] {
  const full = path.resolve(cwd, p);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [full];
  return walk(full).filter((f) => f.endsWith(SUFFIX));
}

function expandGlob(pattern: string, cwd: string): string[] {
  const full = path.resolve(cwd, pattern);
  const root = full.slice(0, full.search(/[*?]/)).replace(/[^/]*$/, '');
  const regex = new RegExp(
    '^' +
      full
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\/?/g, '\u0000')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .replace(/\u0000/g, '(?:.*/)?') +
      '$',
  );
  return fs.existsSync(root) ? walk(root).filter((f) => regex.test(f) && f.endsWith('.ts')) : [];
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(full);
    return [full];
  });
}

/** Imports scenario files and expands matrices into planned runs, in file order. */
export async function planRuns(files: string[], filter?: string, cwd = process.cwd()): Promise<{ runs: PlannedRun[]; failures: LoadFailure[] }> {
  const runs: PlannedRun[] = [];
  const failures: LoadFailure[] = [];
  for (const file of files) {
    let exported: ScenarioExport;
    try {
      exported = ((await import(pathToFileURL(path.resolve(cwd, file)).href)) as { default: ScenarioExport }).default;
      if (exported === undefined) throw new Error('it has no default export; export default defineScenario({...}) or an array of them');
    } catch (err) {
      failures.push({ file, message: `${file} does not load: ${(err as Error).message}` });
      continue;
    }
    let expanded: ReturnType<typeof expand>;
    try {
      expanded = expand(exported);
    } catch (err) {
      failures.push({ file, message: `${file}: building its scenarios failed: ${(err as Error).message}` });
      continue;
    }
    expanded.forEach(({ scenario, cell }, position) => {
      if (filter && !String(scenario?.name).includes(filter)) return;
      runs.push({ file, index: runs.length, position, scenario, cell });
    });
  }
  return { runs, failures };
}

/** Every scenario of an export, matrices spread into one scenario per combination. */
export function expand(exported: ScenarioExport): { scenario: Scenario; cell?: Record<string, unknown> }[] {
  const items = Array.isArray(exported) ? exported : [exported];
  return items.flatMap((item) => (isMatrix(item) ? cells(item.matrix).map((cell) => ({ scenario: nameCell(item.build(cell as never), cell), cell })) : [{ scenario: item }]));
}

function isMatrix(item: Scenario | Matrix<Record<string, readonly unknown[]>>): item is Matrix<Record<string, readonly unknown[]>> {
  return typeof item === 'object' && item !== null && 'matrix' in item && typeof (item as Matrix<never>).build === 'function';
}

function cells(matrix: Record<string, readonly unknown[]>): Record<string, unknown>[] {
  return Object.entries(matrix).reduce<Record<string, unknown>[]>(
    (acc, [key, values]) => acc.flatMap((cell) => values.map((value) => ({ ...cell, [key]: value }))),
    [{}],
  );
}

/** "nat keep-alive [heartbeat=3m nat=aws-nat-gateway]": every cell gets a name of its own. */
function nameCell(scenario: Scenario, cell: Record<string, unknown>): Scenario {
  const label = Object.entries(cell)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  return { ...scenario, name: `${scenario.name} [${label}]` };
}
