import * as v from 'valibot';
import { count, duration, strict, text } from '../schema/kit.ts';

/**
 * What a scenario writes to drive a fleet instead of one client: how many, of which subject kinds,
 * and how their first connects are spread. Each member is its own client with its own seeded stream.
 */

/**
 * The largest fleet a scenario may ask for: 100,000 clients is the size the benchmark measures on
 * one process (bench/fleet.ts); beyond it a world's memory outgrows a 2-core CI machine.
 */
export const FLEET_MAX = 100_000;

/** How far the shares of a mix may miss 1 (they are written as decimals: 0.1 + 0.2 is not 0.3). */
const WEIGHT_SLACK = 1e-9;

const subject = strict(
  { kind: text('a subject kind'), options: v.optional(v.record(v.string(), v.unknown(), "must be the subject's options, an object")) },
  'a subject',
);

/** Subject kinds and the share of the fleet each makes up: { tcp: 0.7, mqttjs: 0.3 }. */
const mix = v.pipe(
  v.record(
    v.string(),
    v.pipe(
      v.number((issue) => `must be a share of the fleet, a number from 0 to 1 (got ${issue.received})`),
      v.check((n) => n > 0 && n <= 1, (issue) => `must be a share of the fleet above 0 and at most 1 (got ${issue.received})`),
    ),
    'must be subject kinds with their shares of the fleet, like { tcp: 0.7, mqttjs: 0.3 }',
  ),
  v.check((m) => Object.keys(m).length > 0, 'must name at least one subject kind'),
  v.check(
    (m) => Math.abs(Object.values(m).reduce((a, b) => a + b, 0) - 1) <= WEIGHT_SLACK,
    (issue) => `the shares must add up to 1 (they add up to ${+Object.values(issue.input as Record<string, number>).reduce((a, b) => a + b, 0).toFixed(6)})`,
  ),
);

export const fleetSchema = v.pipe(
  strict(
    {
      size: count('clients', { min: 1, max: FLEET_MAX }),
      /** Every member drives this subject… */
      subject: v.optional(subject),
      /** …or the fleet is a mix of kinds, each with its default options. */
      mix: v.optional(mix),
      /** Member i of n makes its first connect i/n of `spread` after the connect step (default 0: all at once). */
      connect: v.optional(strict({ spread: v.optional(duration) }, 'the fleet\'s connect settings')),
      /** How many NATs of network.nat's kind the members stand behind, member i behind NAT i mod nats (default 1). */
      nats: v.optional(count('NATs', { min: 1, max: FLEET_MAX })),
    },
    'a fleet',
  ),
  v.check((f) => (f.subject === undefined) !== (f.mix === undefined), 'give the fleet either a subject or a mix of subject kinds, one of them'),
);
export type FleetSpec = v.InferInput<typeof fleetSchema>;

/**
 * Which members a step acts on: "10%" of the fleet (a seeded choice, the same every run of a seed)
 * or every member of one subject kind of a mix.
 */
export const shareSchema = v.pipe(
  text('a share of the fleet, like "10%" or a subject kind of its mix'),
  v.check((s) => !s.endsWith('%') || /^\d+(\.\d+)?%$/.test(s), (issue) => `${JSON.stringify(issue.input)} is not a percentage; write it like "10%"`),
  v.check((s) => !s.endsWith('%') || (Number(s.slice(0, -1)) > 0 && Number(s.slice(0, -1)) <= 100), (issue) => `${JSON.stringify(issue.input)}: a share is above 0% and at most 100%`),
);
export type ShareSpec = v.InferInput<typeof shareSchema>;
