import * as v from 'valibot';
import { checkBackoff, type BackoffExpectation } from '../checks/backoff.ts';
import { checkDelivery } from '../checks/delivery.ts';
import { checkDetection, checkNoFalseAlarm } from '../checks/detection.ts';
import { checkKeepalive } from '../checks/keepalive.ts';
import type { Moment } from '../checks/moment.ts';
import { errored, type Verdict } from '../checks/verdict.ts';
import { backoffOptionsEntries, type BackoffOptions } from '../policy/backoff.ts';
import { guaranteeSchema } from '../policy/outbox.ts';
import { count, duration, flag, positiveDuration, strict, tagged, text } from '../schema/kit.ts';
import { toMs } from '../util/duration.ts';
import { backoffExpectation, type SubjectPromises } from './subjects.ts';
import type { TraceEvent } from '../trace/trace.ts';
import { herdBoundEntries, toHerdBounds } from '../fleet/bounds.ts';
import { checkHerd } from '../fleet/herd.ts';

/** The reference client's default H + T: what a subject that promises no detection is held to. */
export const BASELINE_DETECTION_MS = 190_000;

const toxicMoment = strict({ toxic: text('a toxic name') }, 'a moment "when toxic X was added"');
const eventMoment = strict({ event: text('an event type') }, 'a moment "at the first event of a type"');

/** A point in the run for a check: a time ("5m"), { toxic: NAME } (when it was added) or { event: TYPE } (its first occurrence). */
export const momentSchema = v.lazy((input) => (input !== null && typeof input === 'object' ? ('event' in input ? eventMoment : toxicMoment) : duration));
export type MomentSpec = v.InferInput<typeof momentSchema>;

const delays = (what: string) => v.pipe(v.array(count(`milliseconds: ${what}`), `must be a list of delays in milliseconds`), v.minLength(1, 'must list at least the first delay'));

/**
 * What the backoff check holds the reconnects to: the schedule itself (`exact` delays without
 * jitter, `bounds` with it, in ms), or a policy written as a client is configured
 * (`{ base: '1s', factor: 2, cap: '8s' }`, harness/policy/backoff.ts), whose schedule flatline works out.
 */
export const backoffExpectationSchema = v.pipe(
  strict(
    {
      exact: v.optional(delays('the delay before each attempt')),
      bounds: v.optional(v.array(strict({ min: count('milliseconds'), max: count('milliseconds') }, 'a delay range'))),
      toleranceMs: v.optional(count('milliseconds')),
      giveUpAfter: v.optional(count('attempts', { min: 1 })),
      resetAfterMs: v.optional(count('milliseconds')),
      ...backoffOptionsEntries,
    },
    'a backoff expectation',
  ),
  v.check((e) => {
    const schedule = ['exact', 'bounds', 'toleranceMs', 'giveUpAfter', 'resetAfterMs'].filter((k) => k in e).length;
    const policy = Object.keys(backoffOptionsEntries).filter((k) => k in e).length;
    return !(schedule && policy) && !(e.exact && e.bounds) && (schedule + policy > 0);
  }, 'give either the schedule (exact or bounds, toleranceMs, giveUpAfter, resetAfterMs) or a policy (base, factor, cap, immediateFirst, jitter, maxAttempts, resetAfter), one of them, not both'),
);
export type BackoffExpectationSpec = v.InferInput<typeof backoffExpectationSchema>;

export const checkSchema = tagged(
  'check',
  [
    /** From `death` to the client's link.dead, within `bound` (default: the subject's promise, e.g. H + T). */
    strict({ check: v.literal('detection'), death: momentSchema, bound: v.optional(duration) }, 'a detection check'),
    /** No link.dead between `from` and `to` (default: the end of the run). */
    strict({ check: v.literal('no-false-alarm'), from: momentSchema, to: v.optional(momentSchema) }, 'a no-false-alarm check'),
    /** No break or reconnect for `window` from the first connect (e.g. 3 x the NAT timeout). */
    strict({ check: v.literal('keepalive'), window: positiveDuration }, 'a keepalive check'),
    /** Reconnect delays against `expect` (default: the subject's own schedule). */
    strict({ check: v.literal('backoff'), expect: v.optional(backoffExpectationSchema) }, 'a backoff check'),
    strict({ check: v.literal('delivery'), guarantee: guaranteeSchema, ordered: v.optional(flag('ordered')) }, 'a delivery check'),
    /**
     * A fleet's reconnect storm after `after` (default: the first server.stopped): attempts per
     * second and time back, against upper bounds (`peak: '<= 200/s'`, `back99: '<= 90s'`); `subject`
     * judges one kind of a mix.
     */
    strict({ check: v.literal('herd'), after: v.optional(momentSchema), subject: v.optional(text('a subject kind of the fleet')), ...herdBoundEntries }, 'a herd check'),
  ],
  'a check',
);
export type CheckSpec = v.InferInput<typeof checkSchema>;

/** The checks that judge one client; a fleet is judged with the others (herd, delivery). */
export const SINGLE_CLIENT_CHECKS: readonly CheckSpec['check'][] = ['detection', 'no-false-alarm', 'keepalive', 'backoff'];

/** A fleet's members by client name, with their subject kinds: what the herd check judges. */
export type FleetRoster = ReadonlyMap<string, string>;

export function toMoment(spec: MomentSpec, where: string): Moment {
  if (typeof spec === 'object' && 'toxic' in spec) return { type: 'toxic.added', toxic: spec.toxic };
  if (typeof spec === 'object' && 'event' in spec) return { type: spec.event };
  return toMs(spec, where);
}

/** The idle timeout of the first NAT in the trace (a nat_idle toxic), which a keep-alive window is a multiple of. */
export function natTimeoutOf(events: readonly TraceEvent[]): number | undefined {
  const simNat = events.find((e) => e.type === 'nat.placed');
  if (typeof simNat?.timeoutMs === 'number') return simNat.timeoutMs;
  const nat = events.find((e) => e.type === 'toxic.added' && e.toxicType === 'nat_idle');
  const timeout = (nat?.attributes as { timeout?: unknown } | undefined)?.timeout;
  return typeof timeout === 'number' ? timeout : undefined;
}

/** The expectation as the check reads it: a policy becomes the schedule it gives. */
export function toBackoffExpectation(spec: BackoffExpectationSpec): BackoffExpectation {
  const policyKeys = Object.keys(backoffOptionsEntries).filter((k) => k in spec);
  if (policyKeys.length === 0) return spec as BackoffExpectation;
  return backoffExpectation(spec as BackoffOptions);
}

/**
 * Turns a scenario's check specs into verdicts on the trace of client `client`. `noiseMs` widens
 * timing bounds for real-time runs, where the machine's scheduling adds its own delays.
 */
export function judge(checks: CheckSpec[], events: TraceEvent[], client: string, promises: SubjectPromises, endAt: number, noiseMs = 0, fleet?: FleetRoster): Verdict[] {
  return checks.map((spec, i) => {
    const where = `checks[${i}] (${spec.check})`;
    try {
      if (spec.check === 'herd') return judgeHerd(spec, where, events, fleet);
      return judgeOne(spec, where, events, client, promises, endAt, noiseMs);
    } catch (err) {
      // One check that throws is that check's error; the others' verdicts stand.
      return errored(String(spec.check), `${where} could not be judged: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

function judgeHerd(spec: Extract<CheckSpec, { check: 'herd' }>, where: string, events: TraceEvent[], fleet: FleetRoster | undefined): Verdict {
  if (!fleet) return errored('herd', 'the herd check judges a fleet; give the scenario a `fleet` instead of a `subject`');
  const { check: _check, after, subject, ...bounds } = spec;
  const members = new Set([...fleet].filter(([, kind]) => subject === undefined || kind === subject).map(([name]) => name));
  return checkHerd(events, {
    after: after === undefined ? (firstFleetEvent(events) ?? { type: 'server.stopped' }) : toMoment(after, `${where}.after`),
    members,
    label: subject === undefined ? 'the fleet' : `the ${subject} clients`,
    bounds: toHerdBounds(bounds),
  });
}

/** What a herd check is judged after when it names no moment: the first of a fleet's events. */
const FLEET_EVENTS = new Set(['server.stopped', 'server.draining', 'server.failover', 'nat.flushed', 'server.connections.reset']);
const firstFleetEvent = (events: readonly TraceEvent[]) => events.find((e) => FLEET_EVENTS.has(e.type))?.t;

function judgeOne(spec: Exclude<CheckSpec, { check: 'herd' }>, where: string, events: TraceEvent[], client: string, promises: SubjectPromises, endAt: number, noiseMs: number): Verdict {
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
      const promised = spec.expect === undefined ? promises.backoff : toBackoffExpectation(spec.expect);
      if (!promised) return errored('backoff', 'the subject promises no reconnect schedule; give the check an `expect`');
      const expect = noiseMs > 0 ? { ...promised, toleranceMs: Math.max(promised.toleranceMs ?? 0, noiseMs) } : promised;
      return checkBackoff(events, { client, expect, endAt });
    }
    case 'delivery':
      return checkDelivery(events, { guarantee: spec.guarantee, ordered: spec.ordered });
  }
}
