import { checkBackoff } from '../checks/backoff.ts';
import { checkDelivery } from '../checks/delivery.ts';
import { checkDetection, checkNoFalseAlarm } from '../checks/detection.ts';
import { checkKeepalive } from '../checks/keepalive.ts';
import type { Moment } from '../checks/moment.ts';
import { errored, type Verdict } from '../checks/verdict.ts';
import { toMs } from '../util/duration.ts';
import type { CheckSpec, MomentSpec } from './scenario.ts';
import type { SubjectPromises } from './subjects.ts';
import type { TraceEvent } from '../trace/trace.ts';

/** The reference client's default H + T: what a subject that promises no detection is held to. */
export const BASELINE_DETECTION_MS = 190_000;

export function toMoment(spec: MomentSpec, where: string): Moment {
  if (typeof spec === 'object' && 'toxic' in spec) return { type: 'toxic.added', toxic: spec.toxic };
  if (typeof spec === 'object' && 'event' in spec) return { type: spec.event };
  return toMs(spec, where);
}

/** The idle timeout of the first NAT in the trace (a nat_idle toxic), which a keep-alive window is a multiple of. */
export function natTimeoutOf(events: readonly TraceEvent[]): number | undefined {
  const nat = events.find((e) => e.type === 'toxic.added' && e.toxicType === 'nat_idle');
  const timeout = (nat?.attributes as { timeout?: unknown } | undefined)?.timeout;
  return typeof timeout === 'number' ? timeout : undefined;
}

/**
 * Turns a scenario's check specs into verdicts on the trace of client `client`. `noiseMs` widens
 * timing bounds for real-time runs, where the machine's scheduling adds its own delays.
 */
export function judge(checks: CheckSpec[], events: TraceEvent[], client: string, promises: SubjectPromises, endAt: number, noiseMs = 0): Verdict[] {
  return checks.map((spec, i) => {
    const where = `checks[${i}] (${spec.check})`;
    switch (spec.check) {
      case 'detection':
        return checkDetection(events, {
          client,
          death: toMoment(spec.death, `${where}.death`),
          boundMs: noiseMs + (spec.bound === undefined ? (promises.detectionBoundMs ?? BASELINE_DETECTION_MS) : toMs(spec.bound, `${where}.bound`)),
          endAt,
        });
      case 'no-false-alarm':
        return checkNoFalseAlarm(events, {
          client,
          from: toMoment(spec.from, `${where}.from`),
          to: spec.to === undefined ? endAt : toMoment(spec.to, `${where}.to`),
        });
      case 'keepalive':
        return checkKeepalive(events, { client, windowMs: toMs(spec.window, `${where}.window`), natTimeoutMs: natTimeoutOf(events), endAt });
      case 'backoff': {
        const promised = spec.expect ?? promises.backoff;
        if (!promised) return errored('backoff', 'the subject promises no reconnect schedule; give the check an `expect`');
        const expect = noiseMs > 0 ? { ...promised, toleranceMs: Math.max(promised.toleranceMs ?? 0, noiseMs) } : promised;
        return checkBackoff(events, { client, expect, endAt });
      }
      case 'delivery':
        return checkDelivery(events, { guarantee: spec.guarantee, ordered: spec.ordered });
    }
  });
}
