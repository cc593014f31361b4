import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';
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

/** What a directory or a glob picks up: scenario files, never the helper modules beside them. */
const SCENARIO_FILE = /\.scenario\.(ts|mts|cts|js|mjs|cjs)$/;

/**
 * Resolves files, directories (every *.scenario.ts below them) and simple globs ("scenarios/*.scenario.ts",
 * "scenarios/**", "**\/*.ts": globs, like directories, keep only *.scenario.* files). Paths come back
 * relative to `cwd`, sorted, so plans are the same on every machine.
 */
export function resolveScenarioFiles(patterns: string[], cwd = process.cwd()): string[] {
  const found = new Set<string>();
  for (const pattern of patterns) {
    const matches = /[*?]/.test(pattern) ? expandGlob(pattern, cwd) : expandPath(pattern, cwd);
    if (matches.length === 0) {
      throw new FlatlineError('FLATLINE_ERR_USAGE', `no scenario files match "${pattern}"; give a *.scenario.ts file, a directory or a glob`);
    }
    for (const m of matches) found.add(path.relative(cwd, m) || m);
  }
  return [...found].sort();
}

function expandPath(p: string, cwd: string): string[] {
  const full = path.resolve(cwd, p);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [full];
  return walk(full).filter((f) => SCENARIO_FILE.test(f));
}

function expandGlob(pattern: string, cwd: string): string[] {
  const full = path.resolve(cwd, pattern);
  const root = full.slice(0, full.search(/[*?]/)).replace(/[^/]*$/, '');
  const regex = new RegExp(
    '^' +
      full
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*$/, '\u0001')
        .replace(/\*\*\/?/g, '\u0000')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .replace(/\u0000/g, '(?:.*/)?')
        .replace(/\u0001/, '.*') +
      '$',
  );
  return fs.existsSync(root) ? walk(root).filter((f) => regex.test(f) && SCENARIO_FILE.test(f)) : [];
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(full);
    return [full];
  });
}

/** How a plan is made: which scenarios, and a subject to put in every matrix's `subject` dimension. */
export interface PlanOptions {
  /** Only scenarios whose name contains this. */
  filter?: string;
  /** Matrices with a `subject` dimension run for this subject only (`flatline run --subject NAME`). */
  subject?: string;
}

let scopedImport: ((specifier: string, parentURL: string) => Promise<unknown>) | undefined;

/**
 * Imports a user's TypeScript or JavaScript module whatever their project is: CommonJS or ESM
 * (tsx's loaders, registered once in a namespace of their own, as tsImport does).
 */
export async function importUserModule(file: string, cwd = process.cwd()): Promise<unknown> {
  if (!scopedImport) {
    const namespace = 'flatline-user-files';
    registerCjs({ namespace });
    scopedImport = registerEsm({ namespace }).import;
  }
  const loaded = (await scopedImport(pathToFileURL(path.resolve(cwd, file)).href, pathToFileURL(`${cwd}/`).href)) as { default?: unknown };
  let exported = loaded.default;
  // A CommonJS module's exports arrive as the default; its own `export default` is inside.
  if (exported !== null && typeof exported === 'object' && 'default' in exported) exported = (exported as { default: unknown }).default;
  return exported;
}

/** What to do when a file does not load, after what went wrong. */
const LOAD_HINT =
  'a scenario file is a TypeScript or JavaScript module whose default export is defineScenario({...}), a matrix or an array of them; check that its imports resolve (is flatline installed in this project? npm i -D flatline)';

/** Imports scenario files and expands matrices into planned runs, in file order. */
export async function planRuns(files: string[], options: PlanOptions = {}, cwd = process.cwd()): Promise<{ runs: PlannedRun[]; failures: LoadFailure[] }> {
  const runs: PlannedRun[] = [];
  const failures: LoadFailure[] = [];
  for (const file of files) {
    let exported: ScenarioExport;
    try {
      exported = (await importUserModule(file, cwd)) as ScenarioExport;
      if (exported === undefined) throw new Error('it has no default export; export default defineScenario({...}) or an array of them');
    } catch (err) {
      failures.push({ file, message: `${file} does not load: ${(err as Error).message}\n(${LOAD_HINT})` });
      continue;
    }
    let expanded: ReturnType<typeof expand>;
    try {
      expanded = expand(exported, options.subject);
    } catch (err) {
      failures.push({ file, message: `${file}: building its scenarios failed: ${(err as Error).message}` });
      continue;
    }
    expanded.forEach(({ scenario, cell }, position) => {
      if (options.filter && !String(scenario?.name).includes(options.filter)) return;
      runs.push({ file, index: runs.length, position, scenario, cell });
    });
  }
  return { runs, failures };
}

/** Every scenario of an export, matrices spread into one scenario per combination. */
export function expand(exported: ScenarioExport, subject?: string): { scenario: Scenario; cell?: Record<string, unknown> }[] {
  const items = Array.isArray(exported) ? exported : [exported];
  return items.flatMap((item) => {
    if (!isMatrix(item)) return [{ scenario: item }];
    const dimensions = subject !== undefined && 'subject' in item.matrix ? { ...item.matrix, subject: [subject] } : item.matrix;
    return cells(dimensions).map((cell) => ({ scenario: nameCell(item.build(cell as never), cell), cell }));
  });
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
