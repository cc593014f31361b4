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
