import type { TraceEvent } from '../trace/trace.ts';
import { formatMs } from '../util/duration.ts';
import { describeMoment, timeOf, traceEnd, type Moment } from './moment.ts';
import { errored, judge, type Verdict } from './verdict.ts';

export interface DetectionOptions {
  /** The client's trace source, e.g. "client:tcp-1". */
  client: string;
  /** When the link died: a time, or an event such as `{ type: 'toxic.added', toxic: 'cut' }` or `{ type: 'nat.expired' }`. */
  death: Moment;
  /** The longest acceptable time to notice; the caller passes heartbeat interval + reply timeout by default. */
  boundMs: number;
  /** When the run ended, if later than its last event (a client that never notices may end the trace in silence). */
  endAt?: number;
}

/** From the moment the link died to the client's first link.dead at or after it. */
export function checkDetection(events: readonly TraceEvent[], options: DetectionOptions): Verdict {
  const check = 'detection';
  const deathAt = timeOf(events, options.death);
  if (deathAt === undefined) {
    return errored(check, `no death moment: ${describeMoment(options.death)} is not in the trace; check the scenario applies the fault`);
  }
  const bound = { detectionMs: options.boundMs };
  const noticed = events.find((e) => e.source === options.client && e.type === 'link.dead' && e.t >= deathAt);
  const healedAt = healOf(events, options.death, deathAt);
  if (healedAt !== undefined && !(noticed && attributable(events, options, deathAt, healedAt, noticed.t))) {
    const lasted = healedAt - deathAt;
    const measured = { deathAt, healedAt, detectedAt: null, detectionMs: null, reason: null };
    if (lasted < options.boundMs) {
      // Not noticing a fault shorter than the time the client has to notice breaks no promise.
      const probed = heartbeatDuring(events, options.client, deathAt, healedAt);
      return judge(check, true, {
        summary: `not applicable — healed after ${formatMs(lasted)}, ${probed ? `within the ${formatMs(options.boundMs)} the client has to notice` : 'before any heartbeat was due'}`,
        measured: { ...measured, applicable: false },
        bound,
      });
    }
    return judge(check, false, {
      summary: `not detected while the link was dead: it healed after ${formatMs(lasted)} with no link.dead from ${options.client}, bound ${formatMs(options.boundMs)}`,
      measured,
      bound,
    });
  }
  if (!noticed) {
    return judge(check, false, {
      summary: `not detected: no link.dead from ${options.client} in the ${formatMs(Math.max(options.endAt ?? 0, traceEnd(events)) - deathAt)} after the link died, bound ${formatMs(options.boundMs)}`,
      measured: { deathAt, detectedAt: null, detectionMs: null, reason: null },
      bound,
    });
  }
  const detectionMs = noticed.t - deathAt;
  const late = detectionMs - options.boundMs;
  const reason = typeof noticed.reason === 'string' ? noticed.reason : null;
  return judge(check, late <= 0, {
    summary: `detected after ${formatMs(detectionMs)}${reason ? ` (${reason})` : ''}, bound ${formatMs(options.boundMs)}${late > 0 ? `: ${formatMs(late)} late` : ''}`,
    measured: { deathAt, detectedAt: noticed.t, detectionMs, reason },
    bound,
  });
}

/** When the toxic behind a `{ toxic }` death was removed again, if it was. */
function healOf(events: readonly TraceEvent[], death: Moment, deathAt: number): number | undefined {
  if (typeof death !== 'object' || death.type !== 'toxic.added' || typeof death.toxic !== 'string') return undefined;
  return events.find((e) => e.type === 'toxic.removed' && e.toxic === death.toxic && e.t >= deathAt)?.t;
}

/**
 * Whether a link.dead at `deadAt` belongs to a fault that healed at `healedAt`: during the fault,
 * or after it when a heartbeat went out into the fault (its reply lost) and within the bound. A
 * link.dead later than that is about something else and is never credited to this fault.
 */
function attributable(events: readonly TraceEvent[], options: DetectionOptions, deathAt: number, healedAt: number, deadAt: number): boolean {
  if (deadAt <= healedAt) return true;
  return heartbeatDuring(events, options.client, deathAt, healedAt) && deadAt - deathAt <= options.boundMs;
}

/** Whether `client` sent a heartbeat in [from, to): a probe that could notice what happened then. */
function heartbeatDuring(events: readonly TraceEvent[], client: string, from: number, to: number): boolean {
  return events.some((e) => e.source === client && e.type === 'heartbeat.sent' && e.t >= from && e.t < to);
}

export interface NoFalseAlarmOptions {
  client: string;
  /** Where the slow-but-alive stretch begins, e.g. `{ type: 'toxic.added', toxic: 'slow' }`. */
  from: Moment;
  /** Where it ends; the end of the trace when omitted. */
  to?: Moment;
}

/** While the link is slow but alive, the client must not declare it dead. */
export function checkNoFalseAlarm(events: readonly TraceEvent[], options: NoFalseAlarmOptions): Verdict {
  const check = 'no-false-alarm';
  const from = timeOf(events, options.from);
  const to = options.to === undefined ? traceEnd(events) : timeOf(events, options.to);
  if (from === undefined || to === undefined) {
    const missing = from === undefined ? options.from : options.to!;
    return errored(check, `no window: ${describeMoment(missing)} is not in the trace; check the scenario applies the fault`);
  }
  if (to < from) {
    return errored(check, `empty window: it ends (t=${to}) before it begins (t=${from}); check the scenario's from/to`);
  }
  const alarms = events.filter((e) => e.source === options.client && e.type === 'link.dead' && e.t >= from && e.t <= to);
  const first = alarms[0];
  const windowMs = to - from;
  const reason = typeof first?.reason === 'string' ? first.reason : null;
  return judge(check, first === undefined, {
    summary: first
      ? `false alarm ${formatMs(first.t - from)} into the ${formatMs(windowMs)} window${reason ? ` (${reason})` : ''}; ${alarms.length} in all`
      : `no false alarm in ${formatMs(windowMs)} of a slow but live link`,
    measured: { from, to, falseAlarms: alarms.length, firstAlarmMs: first ? first.t - from : null, reason },
  });
}
