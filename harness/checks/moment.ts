import type { TraceEvent } from '../trace/trace.ts';

/**
 * Picks events by type and by any detail fields that must be equal:
 * `{ type: 'toxic.added', toxic: 'cut' }`, `{ type: 'nat.expired', source: 'link:server#1' }`.
 */
export interface EventMatch {
  type: string;
  source?: string;
  [detail: string]: unknown;
}

/** A point in a run: virtual ms since the trace began, or the first event that matches. */
export type Moment = number | EventMatch;

/** Fields left undefined match anything, so `{ type, source: maybeSource }` reads naturally. */
export function matches(event: TraceEvent, match: EventMatch): boolean {
  return Object.entries(match).every(([key, value]) => value === undefined || event[key] === value);
}

/** The time of a moment; undefined when no event matches it. */
export function timeOf(events: readonly TraceEvent[], moment: Moment): number | undefined {
  return typeof moment === 'number' ? moment : events.find((e) => matches(e, moment))?.t;
}

/** For messages: "t=120000" or "the first toxic.added {toxic: cut}". */
export function describeMoment(moment: Moment): string {
  if (typeof moment === 'number') return `t=${moment}`;
  const { type, ...fields } = moment;
  const detail = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
  return `the first ${type}${detail ? ` {${detail}}` : ''}`;
}

/** When the trace ends: the last event's time (0 for an empty trace). */
export function traceEnd(events: readonly TraceEvent[]): number {
  return events.reduce((end, e) => Math.max(end, e.t), 0);
}

/** The events of one source and type, in trace order. */
export function eventsOf(events: readonly TraceEvent[], source: string, type: string): TraceEvent[] {
  return events.filter((e) => e.source === source && e.type === type);
}
