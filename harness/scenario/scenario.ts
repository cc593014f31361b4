import type { BackoffExpectation } from '../checks/backoff.ts';
import type { ToxicInput } from '../net/toxic-collection.ts';
import type { HeartbeatOptions } from '../policy/heartbeat.ts';
import type { StopMode } from '../servers/server.ts';
import type { Duration } from '../util/duration.ts';
import type { Guarantee } from '../trace/events.ts';

/**
 * A scenario: one subject (a client and its settings), the server it talks to, the network in
 * between (a proxy with toxics), a timeline in virtual time, and the checks that judge the trace.
 * Scenario files export one scenario, a matrix, or an array of them as their default export.
 */
export interface Scenario {
  name: string;
  description?: string;
  subject: SubjectSpec;
  server?: ServerSpec;
  network?: NetworkSpec;
  timeline: Step[];
  checks: CheckSpec[];
  /** How much virtual time the run covers; steps must fall inside it. */
  horizon: Duration;
  /** Default: the --seed given to `flatline run`, else 1. */
  seed?: number;
  /**
   * The subject is known to fall short here (an off-the-shelf client with no heartbeat, say).
   * Its failing verdicts are then an expected finding, shown in the results, not a suite failure.
   */
  finding?: string;
  tags?: string[];
}

/** Which client to drive: a registered subject kind and its options (see scenario/subjects.ts). */
export interface SubjectSpec {
  kind: string;
  options?: Record<string, unknown>;
}

export interface ServerSpec {
  /** Drop duplicate message ids (exactly-once). Default: true when the subject's guarantee is exactly-once. */
  dedupe?: boolean;
  /** Server-side ping that drops silent clients. */
  ping?: HeartbeatOptions;
}

export interface NetworkSpec {
  /** Toxics present from the start, in Toxiproxy's JSON shape. */
  toxics?: ToxicInput[];
  /** A NAT profile id (see `flatline nat`) or nat_idle attributes, applied from the start as toxic "nat". */
  nat?: string | { timeout: Duration; refresh?: 'both' | 'upstream' | 'downstream'; on_expiry?: 'drop' | 'reset' | 'reset_both' };
}

/** One thing the timeline does at a virtual time. */
export type Step = { at: Duration } & (
  | { do: 'connect' }
  | { do: 'disconnect' }
  /** `count` messages, one every `every` (default 1s). */
  | { do: 'send'; count?: number; every?: Duration }
  | { do: 'add-toxic'; toxic: ToxicInput }
  | { do: 'remove-toxic'; name: string }
  | { do: 'stop-server'; mode?: StopMode }
  | { do: 'start-server' }
  | { do: 'disable-proxy' }
  | { do: 'enable-proxy' }
);

/** A point in the run for a check: a time, "when toxic X was added", or the first event of a type. */
export type MomentSpec = Duration | { toxic: string } | { event: string };

export type CheckSpec =
  /** From `death` to the client's link.dead, within `bound` (default: the subject's promise, e.g. H + T). */
  | { check: 'detection'; death: MomentSpec; bound?: Duration }
  /** No link.dead between `from` and `to` (default: the end of the run). */
  | { check: 'no-false-alarm'; from: MomentSpec; to?: MomentSpec }
  /** No break or reconnect for `window` from the first connect (e.g. 3 x the NAT timeout). */
  | { check: 'keepalive'; window: Duration }
  /** Reconnect delays against `expect` (default: the subject's own schedule). */
  | { check: 'backoff'; expect?: BackoffExpectation }
  | { check: 'delivery'; guarantee: Guarantee; ordered?: boolean };

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
