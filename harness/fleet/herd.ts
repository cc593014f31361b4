import { errored, judge, plural, type Verdict } from '../checks/verdict.ts';
import { timeOf, describeMoment, type Moment } from '../checks/moment.ts';
import type { TraceEvent } from '../trace/trace.ts';
import { formatMs } from '../util/duration.ts';
import { fleetMetrics, fleetNumbers } from './metrics.ts';

/** The limits a herd check holds a fleet to; any left out is measured, not judged. */
export interface HerdBounds {
  /** Attempts in the busiest second. */
  peak?: number;
  /** The 99th percentile of attempts per second. */
  p99?: number;
  /** Reconnections in the busiest second: the handshakes the server must serve at once. */
  peakReconnects?: number;
  herdFactor?: number;
  back50?: number;
  back90?: number;
  back99?: number;
  back100?: number;
  /** Attempts that did not connect, whatever the reason. */
  wasted?: number;
}

export interface HerdOptions {
  /** The event the fleet is judged after (default: the first server.stopped). */
  after: Moment;
  /** The client names judged (a whole fleet, or one subject kind of a mix). */
  members: ReadonlySet<string>;
  /** Names what `members` is in the summary: "the fleet", "the mqttjs clients". */
  label: string;
  bounds: HerdBounds;
}

/**
 * The thundering-herd check: after the event, how hard the fleet hit the server (attempts per
 * second, against an even spread) and how long it took to come back. Every affected member must
 * come back before the run ends whatever the bounds say: a fleet that never recovers has no
 * recovery time to judge.
 */
export function checkHerd(events: readonly TraceEvent[], options: HerdOptions): Verdict {
  const at = timeOf(events, options.after);
  if (at === undefined) return errored('herd', `${describeMoment(options.after)} never happened, so there is no storm to judge; add the step that causes it, or name another moment in \`after\``);
  const m = fleetMetrics(events, options.members, at);
  if (m.affected === 0) return errored('herd', `no member of ${options.label} lost its connection after ${formatMs(at)}: the event did not reach them`);
  const measured = fleetNumbers(m);
  const value: Record<keyof HerdBounds, number | null> = measured; // every bound is one of the numbers
  const broken = (Object.entries(options.bounds) as [keyof HerdBounds, number][]).filter(([key, limit]) => value[key] === null || value[key] > limit);
  const ok = broken.length === 0 && m.back === m.affected;
  const summary =
    `${options.label}: ${m.back} of ${m.affected} back, 99% after ${show(m.back99)}, all after ${show(m.back100)}; ` +
    `peak ${m.peak} attempts/s (herd factor ${m.herdFactor}), ${m.peakReconnects} reconnects/s at most, ${plural(m.attempts, 'attempt')}, ${measured.wasted} wasted` +
    (broken.length ? `; over the bound: ${broken.map(([key, limit]) => `${key} ${describe(key, value[key])} > ${describe(key, limit)}`).join(', ')}` : '');
  return judge('herd', ok, { summary, measured, bound: Object.keys(options.bounds).length ? { ...options.bounds } : undefined });
}

const show = (ms: number | null) => (ms === null ? 'never' : formatMs(ms));
const describe = (key: keyof HerdBounds, value: number | null) => (key.startsWith('back') ? show(value) : key === 'peak' || key === 'p99' || key === 'peakReconnects' ? `${value}/s` : String(value));
