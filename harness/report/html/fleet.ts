import { fleetMetrics, fleetNumbers, type FleetNumbers } from '../../fleet/metrics.ts';
import type { RunResult } from '../../scenario/results.ts';

/** The CDF of time back travels as at most this many points: the page draws 100,000 members as 200. */
export const CDF_POINTS = 200;

/** One fleet run as the fleet page draws it: a line on each chart and a row of numbers (the herd verdict's own). */
export interface FleetLine extends FleetNumbers {
  run: string;
  /** What tells it from the others: its matrix cell ("jitter=full"), else its subject. */
  label: string;
  subject: string;
  status: RunResult['status'];
  /** Connection attempts in each second from the event. */
  rate: number[];
  /** Reconnections in each second from the event. */
  reconnects: number[];
  /** [ms after the event, share of affected members back by then], ascending. */
  cdf: [number, number][];
}

/**
 * The fleet page's data: every run judged by a herd check, measured after the event its first herd
 * check names (the verdict's `at`), over all its members. Per second and per CDF point, never per
 * member, so a 100,000-client run costs the page a few hundred numbers.
 */
export function buildFleetLines(runs: readonly RunResult[]): FleetLine[] {
  return runs.flatMap((run) => {
    const herd = run.verdicts.find((v) => v.check === 'herd' && typeof v.measured.at === 'number');
    if (!herd) return [];
    const members = new Set(run.trace.filter((e) => e.source.startsWith('client:')).map((e) => e.source.slice('client:'.length)));
    const m = fleetMetrics(run.trace, members, herd.measured.at as number);
    const cell = run.cell && Object.keys(run.cell).length ? Object.entries(run.cell).map(([k, v]) => `${k}=${String(v)}`).join(' ') : undefined;
    return [
      {
        run: run.id,
        label: cell ? `${run.subject} ${cell}` : run.subject,
        subject: run.subject,
        status: run.status,
        rate: m.rate,
        reconnects: m.reconnects,
        cdf: cdfOf(m.backMs, m.affected),
        ...fleetNumbers(m),
      },
    ];
  });
}

/** The share back at each of at most CDF_POINTS times: evenly spaced ranks, the last one always kept. */
export function cdfOf(sortedBackMs: readonly number[], affected: number, points = CDF_POINTS): [number, number][] {
  const n = sortedBackMs.length;
  if (n === 0 || affected === 0) return [];
  const step = Math.max(1, Math.ceil(n / points));
  const out: [number, number][] = [];
  for (let i = step - 1; i < n; i += step) out.push([sortedBackMs[i]!, (i + 1) / affected]);
  if (out.at(-1)![0] !== sortedBackMs[n - 1] || out.at(-1)![1] !== n / affected) out.push([sortedBackMs[n - 1]!, n / affected]);
  return out;
}
