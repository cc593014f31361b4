import { describe, expect, it } from 'vitest';
import type { RunResult, RunStatus } from '../../scenario/results.ts';
import { fakeRun } from '../../../test/support/fake-run.ts';
import { buildCaseGrids, columnSummary } from './gallery.ts';

/** A run as the loader names matrix runs: "<case> [subject=... k=v]". */
function run(file: string, name: string, cell: Record<string, unknown>, status: RunStatus = 'pass'): RunResult {
  const label = Object.entries(cell)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
  const scenario = `${name} [${label}]`;
  return fakeRun({ id: `${file}#${scenario}`, file, scenario, cell, subject: String(cell.subject), status });
}

const G = 'scenarios/gallery';
const gallery = (subject: string, statuses: [RunStatus, RunStatus]) => [
  run(`${G}/blackhole.scenario.ts`, 'blackhole: silence', { subject }, statuses[0]),
  run(`${G}/restart.scenario.ts`, 'restart: crash', { subject }, statuses[1]),
];

describe('the subject matrix', () => {
  it('lays out a folder: a row per case, a column per subject in plan order, a cell per run', () => {
    const runs = [...gallery('tcp', ['pass', 'pass']), ...gallery('seed-raw', ['finding', 'fail'])];
    const [grid, ...more] = buildCaseGrids(runs);
    expect(more).toEqual([]);
    expect(grid!.folder).toBe(G);
    expect(grid!.cases).toEqual([
      { name: 'blackhole: silence', params: '', file: `${G}/blackhole.scenario.ts` },
      { name: 'restart: crash', params: '', file: `${G}/restart.scenario.ts` },
    ]);
    expect(grid!.subjects).toEqual([
      { subject: 'tcp', summary: '2 of 2 cases hold' },
      { subject: 'seed-raw', summary: '0 of 2 cases hold; 1 expected finding, 1 failed' },
    ]);
    expect(grid!.cells.map((c) => [c.row, c.column, c.status, c.run])).toEqual([
      [0, 0, 'pass', runs[0]!.id],
      [0, 1, 'finding', runs[2]!.id],
      [1, 0, 'pass', runs[1]!.id],
      [1, 1, 'fail', runs[3]!.id],
    ]);
  });

  it('carries the key numbers of each run', () => {
    const runs = gallery('tcp', ['pass', 'pass']).concat(gallery('ws', ['pass', 'pass']));
    runs[0]!.verdicts = [{ check: 'detection', status: 'pass', summary: '', measured: { detectionMs: 92_000 } }];
    expect(buildCaseGrids(runs)[0]!.cells[0]!.keys).toEqual(['detected after 1m32s']);
  });

  it('makes the other matrix parameters part of the case, and one grid per folder', () => {
    const delivery = ['tcp', 'mqtt'].flatMap((subject) => ['at-most-once', 'exactly-once'].map((guarantee) => run('scenarios/delivery.scenario.ts', 'delivery', { subject, guarantee })));
    const grids = buildCaseGrids([...delivery, ...gallery('tcp', ['pass', 'pass']), ...gallery('rws', ['finding', 'pass'])]);
    expect(grids.map((g) => [g.folder, g.cases.length, g.subjects.map((s) => s.subject)])).toEqual([
      ['scenarios', 2, ['tcp', 'mqtt']],
      [G, 2, ['tcp', 'rws']],
    ]);
    expect(grids[0]!.cases.map((c) => c.params)).toEqual(['guarantee=at-most-once', 'guarantee=exactly-once']);
  });

  it('shows nothing unless two subjects share two cases', () => {
    expect(buildCaseGrids([...gallery('tcp', ['pass', 'pass'])])).toEqual([]);
    const oneShared = [...gallery('tcp', ['pass', 'pass']), gallery('ws', ['pass', 'pass'])[0]!];
    expect(buildCaseGrids(oneShared)).toEqual([]);
    // Two cases, but each compares a different pair.
    const crossed = [...gallery('tcp', ['pass', 'pass']), gallery('ws', ['pass', 'pass'])[0]!, gallery('mqtt', ['pass', 'pass'])[1]!];
    expect(buildCaseGrids(crossed)).toEqual([]);
    // Runs outside a matrix over subject never count, even with a subject of their own.
    const nat = ['tcp', 'ws'].flatMap((subject) => ['1m', '3m'].map((heartbeat) => fakeRun({ scenario: `nat ${heartbeat} ${subject}`, subject, cell: { heartbeat } })));
    expect(buildCaseGrids(nat)).toEqual([]);
  });

  it('leaves out cases only one subject ran, and leaves a gap where a subject skipped a case', () => {
    const runs = [...gallery('tcp', ['pass', 'pass']), ...gallery('ws', ['pass', 'pass']), gallery('mqtt', ['pass', 'pass'])[0]!, run(`${G}/solo.scenario.ts`, 'solo', { subject: 'tcp' })];
    const [grid] = buildCaseGrids(runs);
    expect(grid!.cases.map((c) => c.name)).toEqual(['blackhole: silence', 'restart: crash']);
    expect(grid!.subjects.map((s) => s.summary)).toEqual(['2 of 2 cases hold', '2 of 2 cases hold', '1 of 1 case hold']);
    expect(grid!.cells).toHaveLength(5);
  });

  it('shows the worse run when merged results ran a case twice', () => {
    const again = gallery('tcp', ['fail', 'pass']).map((r) => ({ ...r, id: `${r.id} again` }));
    const [grid] = buildCaseGrids([...gallery('tcp', ['pass', 'pass']), ...gallery('ws', ['pass', 'pass']), ...again]);
    expect(grid!.cells.filter((c) => c.column === 0).map((c) => [c.status, c.run])).toEqual([
      ['fail', again[0]!.id],
      ['pass', gallery('tcp', ['pass', 'pass'])[1]!.id],
    ]);
  });

  it('keeps brackets inside a case name, cutting only the cell', () => {
    const runs = ['tcp', 'ws'].flatMap((subject) => [run(`${G}/a.scenario.ts`, 'a [draft]: x', { subject }), run(`${G}/b.scenario.ts`, 'b', { subject })]);
    expect(buildCaseGrids(runs)[0]!.cases.map((c) => c.name)).toEqual(['a [draft]: x', 'b']);
  });
});

describe('a subject summary line', () => {
  it('counts what holds of what ran, then findings, failures and errors', () => {
    expect(columnSummary(['pass', 'pass', 'finding', 'finding', 'pass', 'pass'])).toBe('4 of 6 cases hold; 2 expected findings');
    expect(columnSummary(['error', 'fail', 'fail', 'finding'])).toBe('0 of 4 cases hold; 1 expected finding, 2 failed, 1 could not be judged');
  });
});
