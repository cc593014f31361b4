import { plural, type Measure, type Verdict } from '../../checks/verdict.ts';
import type { RunResult } from '../../scenario/results.ts';
import { readableDurations, readableMs } from '../../util/duration.ts';

/**
 * The few words with a number that a matrix cell shows for a verdict ("detected after 1m32s",
 * "3 lost", "retries every 1s"), read from what the check measured, one function per check. A
 * verdict that could not judge says so; its summary is in the run's detail.
 */
type KeyNumber = (verdict: Verdict) => string;

const num = (m: Measure | undefined): number | null => (typeof m === 'number' ? m : null);
const tries = (n: number) => (n === 1 ? '1 try' : `${n} tries`);

const KEY_NUMBERS: Record<string, KeyNumber> = {
  detection: ({ measured }) => {
    const ms = num(measured.detectionMs);
    return ms === null ? 'never detected' : `detected after ${readableMs(ms)}`;
  },

  'no-false-alarm': ({ measured }) => {
    const alarms = num(measured.falseAlarms) ?? 0;
    const from = num(measured.from) ?? 0;
    if (alarms === 0) return `no false alarm in ${readableMs((num(measured.to) ?? from) - from)}`;
    return `false alarm after ${readableMs(num(measured.firstAlarmMs) ?? 0)}${alarms > 1 ? ` (${alarms} in all)` : ''}`;
  },

  keepalive: ({ measured, bound }) => {
    const broke = num(measured.firstBreakMs);
    const windowMs = num(bound?.windowMs);
    if (broke === null) return windowMs === null ? 'kept alive' : `kept alive ${readableMs(windowMs)}`;
    // Nothing the client did marks the break: only the NAT knows (a client without a heartbeat).
    const unnoticed = measured.breaks === 0 && measured.reconnects === 0;
    return `broke after ${readableMs(broke)}${unnoticed ? ', unnoticed' : ''}`;
  },

  backoff: ({ measured }) => {
    const attempts = num(measured.attempts) ?? 0;
    const outages = num(measured.outages) ?? 0;
    const gaveUp = num(measured.gaveUp) ?? 0;
    const afterUser = num(measured.afterUserDisconnect) ?? 0;
    const problems = num(measured.problems) ?? 0;
    if (outages > 0 && attempts === 0) return 'never reconnected';
    if (gaveUp > 0) return outages === 1 ? `gave up after ${tries(attempts)}` : `gave up in ${gaveUp} of ${outages} outages`;
    if (afterUser > 0) return `${plural(afterUser, 'reconnect')} after the user's disconnect`;
    if (problems > 0) return `off schedule: ${plural(problems, 'problem')}`;
    return retryPattern(measured, attempts);
  },

  delivery: ({ measured, bound }) => {
    const forbidden = typeof bound?.forbidden === 'string' ? bound.forbidden.split(', ').filter(Boolean) : [];
    const broken = forbidden.filter((k) => (num(measured[k]) ?? 0) > 0).map((k) => `${measured[k]} ${k}`);
    const delivered = `${num(measured.ok) ?? 0} of ${num(measured.attempted) ?? 0} delivered`;
    return broken.length ? `${broken.join(', ')}; ${delivered}` : delivered;
  },
};

/**
 * "retries every 1s" for one constant wait (an immediate first try aside), else the count and the
 * longest wait. The delays come worded by formatMs ("0ms 2s 4s | 0ms 2s"), so equal words are equal waits.
 */
function retryPattern(measured: Verdict['measured'], attempts: number): string {
  const waits = new Set(typeof measured.delays === 'string' ? measured.delays.split(/[\s|]+/).filter((d) => d && d !== '0ms') : []);
  const longest = num(measured.maxDelayMs);
  if (waits.size === 1) return `retries every ${readableDurations([...waits][0]!)}`;
  return longest ? `${tries(attempts)}, waits up to ${readableMs(longest)}` : `${tries(attempts)}, all at once`;
}

/** A check without a function of its own: its summary, cut to what fits in a cell. */
const MAX_FALLBACK = 48;

export function keyNumber(verdict: Verdict): string {
  if (verdict.status === 'error') return `${verdict.check} could not judge`;
  const own = KEY_NUMBERS[verdict.check];
  if (own) return own(verdict);
  return verdict.summary.length > MAX_FALLBACK ? `${verdict.summary.slice(0, MAX_FALLBACK - 1)}…` : verdict.summary;
}

/**
 * What a run's cell says: the error code of a run that could not be judged, else the verdicts that
 * could not judge, else the ones that fail, else the first one (the check the case is about).
 */
export function runKeyNumbers(run: Pick<RunResult, 'verdicts' | 'error'>): string[] {
  if (run.error) return [run.error.code];
  const notable = [run.verdicts.filter((v) => v.status === 'error'), run.verdicts.filter((v) => v.status === 'fail'), run.verdicts.slice(0, 1)].find((vs) => vs.length);
  return (notable ?? []).map(keyNumber);
}
