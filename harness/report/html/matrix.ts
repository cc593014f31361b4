import { natCells, type NatCell } from '../../nat/cells.ts';
import { NAT_PROFILES } from '../../nat/profiles.ts';
import type { RunResult } from '../../scenario/results.ts';
import { formatMs } from '../../util/duration.ts';

export type MatrixOutcome = 'survived' | 'broke' | 'unknown';

export interface MatrixCellView {
  /** Column and row keys. */
  column: string;
  row: string;
  outcome: MatrixOutcome;
  detectionMs: number | null;
  undetected: boolean;
  predictedKeepsAlive: boolean;
  /** null: the NAT picks the connection up on the same port, nothing to notice. */
  predictedDetectionMs: number | null;
  /** The arithmetic's one-line verdict, for the cell's tooltip. */
  prediction: string;
  disagreements: string[];
  runs: string[];
}

/** One heatmap: rows are NATs (shortest timeout first), columns heartbeat intervals (with their reply timeout). */
export interface MatrixGrid {
  subject: string;
  columns: { key: string; heartbeat: string; timeout: string }[];
  rows: { key: string; nat: string; name: string; timeout: string }[];
  cells: MatrixCellView[];
}

/** One grid per subject, from every run whose cell has a heartbeat and a nat. */
export function buildMatrix(runs: readonly RunResult[]): MatrixGrid[] {
  const subjects = [...new Set(runs.map((r) => r.subject))];
  return subjects.flatMap((subject) => {
    const cells = natCells(runs.filter((r) => r.subject === subject));
    return cells.length ? [grid(subject, cells)] : [];
  });
}

const columnKey = (c: NatCell) => `${c.heartbeatMs}+${c.replyTimeoutMs}`;
const rowKey = (c: NatCell) => `${c.nat}@${c.natTimeoutMs}`;

function grid(subject: string, cells: NatCell[]): MatrixGrid {
  const byColumn = uniqueBy(cells, columnKey).sort((a, b) => a.heartbeatMs - b.heartbeatMs || a.replyTimeoutMs - b.replyTimeoutMs);
  const byRow = uniqueBy(cells, rowKey).sort((a, b) => a.natTimeoutMs - b.natTimeoutMs || a.nat.localeCompare(b.nat));
  return {
    subject,
    columns: byColumn.map((c) => ({ key: columnKey(c), heartbeat: formatMs(c.heartbeatMs), timeout: formatMs(c.replyTimeoutMs) })),
    rows: byRow.map((c) => ({ key: rowKey(c), nat: c.nat, name: NAT_PROFILES.find((p) => p.id === c.nat)?.name ?? `NAT with a ${c.nat} idle timeout`, timeout: formatMs(c.natTimeoutMs) })),
    cells: cells.map((c) => ({
      column: columnKey(c),
      row: rowKey(c),
      outcome: c.survived === null ? 'unknown' : c.survived ? 'survived' : 'broke',
      detectionMs: c.detectionMs,
      undetected: c.undetected,
      predictedKeepsAlive: c.predicted.keepsAlive,
      predictedDetectionMs: c.predicted.detectionMs,
      prediction: c.predicted.verdict,
      disagreements: c.disagreements,
      runs: c.runs,
    })),
  };
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}
