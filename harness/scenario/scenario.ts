import * as v from 'valibot';
import { toxicInputSchema } from '../net/toxic-schema.ts';
import { heartbeatOptionsSchema } from '../policy/heartbeat.ts';
import { count, flag, positiveDuration, strict, text, word } from '../schema/kit.ts';
import { checkSchema } from './judge.ts';
import { natSpecSchema } from './nat-spec.ts';
import { stepSchema } from './steps.ts';
import { fleetStepSchema } from './fleet-steps.ts';
import { FLEET_MAX, fleetSchema, shareSchema } from '../fleet/schema.ts';
import { capacitySchema } from '../fleet/capacity.ts';
import { NETWORK_SUBSTRATES } from './substrate.ts';
import { timeLimitSchema } from './time-limit.ts';
import type { SubjectSpec } from './subjects.ts';

export type { BackoffExpectationSpec, CheckSpec, MomentSpec } from './judge.ts';
export type { Step } from './steps.ts';
export type { FleetStep } from './fleet-steps.ts';
export type { FleetSpec } from '../fleet/schema.ts';
export type { SubjectKinds, SubjectSpec } from './subjects.ts';

/**
 * The scenario's schemas, one per part (steps in steps.ts, checks in judge.ts, toxics in
 * net/toxic-schema.ts, subject options with each subject), and the types inferred from them:
 * what an editor flags is what `flatline run` refuses.
 */

export const serverSchema = strict(
  {
    /** Drop duplicate message ids (exactly-once). Default: true when the subject's guarantee is exactly-once. */
    dedupe: v.optional(flag('dedupe')),
    /** Server-side ping that drops silent clients. */
    ping: v.optional(heartbeatOptionsSchema),
  },
  'a server',
);
export type ServerSpec = v.InferInput<typeof serverSchema>;

/** A fleet's server: a server's settings, and how fast it takes on connections (simulated network only). */
export const fleetServerSchema = strict({ ...serverSchema.entries, capacity: v.optional(capacitySchema) }, "a fleet's server");
export type FleetServerSpec = v.InferInput<typeof fleetServerSchema>;


export const networkSchema = strict(
  {
    /** Toxics present from the start, in Toxiproxy's JSON shape. */
    toxics: v.optional(v.array(toxicInputSchema, 'must be a list of toxics')),
    /** The subject's NAT: a profile id (see `flatline nat`) or attributes (see nat-spec.ts). */
    nat: v.optional(natSpecSchema),
    /** What carries the bytes for this scenario, whatever `--network` says (see README, "Two substrates"). */
    substrate: v.optional(word([...NETWORK_SUBSTRATES], 'a substrate')),
  },
  'a network',
);
export type NetworkSpec = v.InferInput<typeof networkSchema>;

/**
 * A fleet's network: besides `nat` (with `fleet.nats`, for the members in no share below), shares
 * of the fleet behind NATs of their own kind: `behind: [{ share: 'mqttjs', nat: 'carrier-grade', nats: 2 }]`.
 */
export const fleetNetworkSchema = strict(
  {
    ...networkSchema.entries,
    behind: v.optional(
      v.array(
        strict(
          {
            /** A percentage (the same seeded members as a step's share) or a subject kind of the mix. */
            share: shareSchema,
            nat: natSpecSchema,
            /** How many NATs of that kind the share stands behind, its member j behind NAT j mod nats (default 1). */
            nats: v.optional(count('NATs', { min: 1, max: FLEET_MAX })),
          },
          'a share behind NATs of its own',
        ),
        'must be a list of shares behind NATs, like [{ share: "30%", nat: "carrier-grade" }]',
      ),
    ),
  },
  "a fleet's network",
);
export type FleetNetworkSpec = v.InferInput<typeof fleetNetworkSchema>;

/** Which client to drive: the kind is checked against the registry, the options against that subject's schema. */
const subjectShape = strict({ kind: text('a subject kind'), options: v.optional(v.record(v.string(), v.unknown(), 'must be the subject\'s options, an object')) }, 'a subject');

/**
 * What a scenario holds whether it drives one client or a fleet, in the order messages list the
 * fields: who is driven (`subject` or `fleet`) and the `timeline` go in between.
 */
const head = {
  name: text('the scenario name'),
  description: v.optional(v.string()),
};
const network = { network: v.optional(networkSchema) };
const judged = {
  checks: v.pipe(v.array(checkSchema, 'must be a list of checks'), v.minLength(1, 'must list at least one check; a scenario that judges nothing cannot pass or fail')),
  /** How much virtual time the run covers; steps must fall inside it. */
  horizon: positiveDuration,
  /**
   * Real time one run may take before its watchdog ends it as an error (default 60 s): for a
   * scenario that is known to cost more, like a fleet of a thousand library clients. A run's own
   * limit (`--time-limit`, `runFlatline`'s `timeLimit`) replaces it.
   */
  timeLimit: v.optional(timeLimitSchema),
  /** Default: the --seed given to `flatline run`, else 1. */
  seed: v.optional(count('seed', { max: 2 ** 32 - 1 })),
  /**
   * The subject is known to fall short here (an off-the-shelf client with no heartbeat, say).
   * Its failing verdicts are then an expected finding, shown in the results, not a suite failure.
   */
  finding: v.optional(text('the finding')),
  tags: v.optional(v.array(v.string())),
};
const timeline = <S extends v.GenericSchema>(step: S) => v.array(step, 'must be a list of steps like { at: "1m", do: "connect" }');

/**
 * A scenario: one subject (a client and its settings), the server it talks to, the network in
 * between (a proxy with toxics), a timeline in virtual time, and the checks that judge the trace.
 * Scenario files export one scenario, a matrix, or an array of them as their default export.
 */
export const singleScenarioSchema = strict({ ...head, subject: subjectShape, server: v.optional(serverSchema), ...network, timeline: timeline(stepSchema), ...judged }, 'a scenario');

/**
 * A fleet scenario: `fleet` instead of `subject`, many clients of one kind or a mix talking
 * straight to the server (no proxy), steps that address the whole fleet or a share of it.
 */
export const fleetScenarioSchema = strict({ ...head, fleet: fleetSchema, server: v.optional(fleetServerSchema), network: v.optional(fleetNetworkSchema), timeline: timeline(fleetStepSchema), ...judged }, 'a fleet scenario');

/** Either shape, told apart by `fleet`. */
export const scenarioSchema = v.lazy((input) => (input !== null && typeof input === 'object' && 'fleet' in input ? fleetScenarioSchema : singleScenarioSchema));

export type SingleScenario = Omit<v.InferInput<typeof singleScenarioSchema>, 'subject'> & { subject: SubjectSpec; fleet?: never };
export type FleetScenario = v.InferInput<typeof fleetScenarioSchema> & { subject?: never };
export type Scenario = SingleScenario | FleetScenario;

export const isFleetScenario = (s: Scenario): s is FleetScenario => s.fleet !== undefined;

/** Types a scenario in an editor; it returns its shape, one client or a fleet. */
export function defineScenario(scenario: SingleScenario): SingleScenario;
export function defineScenario(scenario: FleetScenario): FleetScenario;
export function defineScenario(scenario: Scenario): Scenario {
  return scenario;
}

/** One scenario spread over parameters: every combination becomes a run, named after its cell. */
export interface Matrix<P extends Record<string, readonly unknown[]>> {
  matrix: P;
  build(cell: { [K in keyof P]: P[K][number] }): Scenario;
}

export function defineMatrix<const P extends Record<string, readonly unknown[]>>(matrix: P, build: Matrix<P>['build']): Matrix<P> {
  return { matrix, build };
}

/** What a scenario file may export. */
export type ScenarioExport = Scenario | Matrix<Record<string, readonly unknown[]>> | (Scenario | Matrix<Record<string, readonly unknown[]>>)[];
