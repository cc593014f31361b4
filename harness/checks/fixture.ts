import type { TraceEvent } from '../trace/trace.ts';

/** A trace row for tests: [t, type, detail?]. */
export type Row = [t: number, type: string, detail?: Record<string, unknown>];

/** Trace events of one source, from compact rows. */
export function rows(source: string, list: Row[]): TraceEvent[] {
  return list.map(([t, type, detail]) => ({ t, source, type, ...detail }));
}

/** Several sources' events as one trace, ordered by time (stable, as the runner records them). */
export function merge(...lists: TraceEvent[][]): TraceEvent[] {
  return lists.flat().sort((a, b) => a.t - b.t);
}
