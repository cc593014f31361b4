import type { Clock } from '../clock/clock.ts';
import type { Rng } from '../util/rng.ts';
import { FlatlineError } from '../util/errors.ts';

/** upstream = client -> server; downstream = server -> client (Toxiproxy's names). */
export type Stream = 'upstream' | 'downstream';
export const STREAMS: readonly Stream[] = ['upstream', 'downstream'];

/** A toxic as Toxiproxy's API shows it. */
export interface ToxicSpec {
  name: string;
  type: string;
  stream: Stream;
  /** Probability that the toxic applies to a given connection, rolled once per connection. */
  toxicity: number;
  attributes: Record<string, number | string>;
}

/** What one read() returned, with the clock time it was read at (latency counts from here). */
export interface Chunk {
  data: Buffer;
  at: number;
}

/** How a direction ends: a FIN (close) or an RST (reset). */
export type EndKind = 'fin' | 'reset';

/** Where a stage hands its output: the next stage, or the socket at the end of the pipeline. */
export interface StageOutput {
  data(chunk: Chunk): void;
  end(kind: EndKind): void;
}

/** One toxic's work in one direction of one connection. */
export interface ToxicStage {
  data(chunk: Chunk): void;
  end(kind: EndKind): void;
  /**
   * The toxic leaves this live connection. 'removed': the user deleted it (a `timeout` closes
   * the connection then, as in Toxiproxy); 'replaced': its attributes changed and a fresh stage
   * takes its place. Either way, anything held is handed on in order and timers are cancelled.
   */
  detach(why: 'removed' | 'replaced'): void;
  /** The connection is gone: cancel timers, drop everything. */
  dispose(): void;
  /** Bytes the stage holds (queued for later); the link stops reading while a direction holds too much. */
  buffered?(): number;
}

/** What a toxic may do to the connection it sits on. */
export interface LinkControl {
  readonly id: string;
  /** Close both ends with a FIN. */
  close(): void;
  /** Close both ends with an RST. */
  reset(): void;
  /** RST one end only; the other end is not told. */
  resetEnd(end: 'client' | 'server'): void;
  /** Record an event in the run's trace, attributed to this connection. */
  trace(type: string, detail?: Record<string, unknown>): void;
}

export interface ToxicContext<A, S = undefined> {
  /**
   * This toxic's state on this connection, from its type's newState(): made when the toxic first
   * joins the connection and kept while it stays, across updates (Toxiproxy's stub.State).
   */
  state: S;
  clock: Clock;
  /** This toxic's own stream on this connection. */
  rng: Rng;
  link: LinkControl;
  attributes: A;
  /** The direction the toxic was created for. */
  stream: Stream;
  /** Outputs of the stages this toxic occupies; bidirectional toxics get both. */
  outputs: Record<Stream, StageOutput>;
  /** True when the toxic existed before the connection opened (reset_peer's RST depends on it). */
  atLinkStart: boolean;
}

/**
 * The longest a node timer waits: larger delays fire after 1 ms (node's timers docs, "When delay
 * is larger than 2147483647 or less than 1, the delay will be set to 1"), so a longer duration
 * would re-arm every millisecond. Durations past it are refused.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The attributes a toxic accepts: default, bounds, allowed words. `goType` is the Go field type
 * Toxiproxy decodes the attribute into (int64 for most, int for slicer's), which its API's type
 * errors name.
 */
export type AttributeSpec =
  | { kind: 'number'; default?: number; min?: number; max?: number; integer?: boolean; unit: string; goType?: 'int64' | 'int' }
  | { kind: 'enum'; default: string; values: readonly string[] };

/** A duration in ms as Toxiproxy's toxics take it: a whole number, at most MAX_TIMER_MS. */
export function durationMs(defaultMs: number | undefined, min = 0): AttributeSpec {
  return { kind: 'number', default: defaultMs, min, max: MAX_TIMER_MS, integer: true, unit: 'ms' };
}

/** What a toxic type's newState() learns about the connection it joins. */
export interface StateInit {
  /** The clock's time when the toxic joins the connection. */
  now: number;
  /** True when the toxic existed before the connection opened. */
  atLinkStart: boolean;
}

/**
 * One toxic type: a small definition with one job, like Toxiproxy's toxics/*.go. `S` is the
 * state it keeps per connection (Toxiproxy's StatefulToxic), made by `newState`.
 */
export interface ToxicType<A = Record<string, number | string>, S = undefined> {
  type: string;
  /** The Go struct Toxiproxy decodes the attributes into (its API's type errors name it); default <Type>Toxic. */
  goName?: string;
  description: string;
  attributes: { [K in keyof A]: AttributeSpec };
  /** Acts on both directions whatever `stream` says (nat_idle, half_open). */
  bidirectional?: boolean;
  /** Per-connection state that outlives the stages an update swaps in (limit_data's byte count). */
  newState?(init: StateInit): S;
  /** Creates the stage(s) for one connection; undefined for a direction means pass-through. */
  attach(ctx: ToxicContext<A, S>): Partial<Record<Stream, ToxicStage>>;
}

/** A stage that passes everything on: the base the toxics build from. */
export function passThrough(out: StageOutput): ToxicStage {
  return {
    data: (chunk) => out.data(chunk),
    end: (kind) => out.end(kind),
    detach: () => {},
    dispose: () => {},
  };
}

/**
 * Checks raw API attributes against a toxic's spec: fills defaults (as Toxiproxy does for omitted
 * attributes), rejects wrong types, negatives and unknown words with a message naming the toxic
 * and the attribute.
 */
export function resolveAttributes<A>(type: ToxicType<A>, raw: Record<string, unknown> | undefined, toxicName: string): A {
  const out: Record<string, number | string> = {};
  const given = raw ?? {};
  for (const [key, spec] of Object.entries(type.attributes) as [string, AttributeSpec][]) {
    const value = given[key];
    const where = `toxic "${toxicName}" (${type.type}): attribute "${key}"`;
    if (value === undefined || value === null) {
      if (spec.default === undefined) {
        throw new FlatlineError('FLATLINE_ERR_TOXIC_ATTRIBUTE', `${where} is required`, { status: 400 });
      }
      out[key] = spec.default;
      continue;
    }
    if (spec.kind === 'enum') {
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        throw new FlatlineError('FLATLINE_ERR_TOXIC_ATTRIBUTE', `${where} must be one of ${spec.values.map((v) => `"${v}"`).join(', ')} (got ${JSON.stringify(value)})`, { status: 400 });
      }
      out[key] = value;
      continue;
    }
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      throw new FlatlineError('FLATLINE_ERR_TOXIC_ATTRIBUTE', `${where} must be a number in ${spec.unit} (got ${JSON.stringify(value)})`, { status: 400 });
    }
    if (spec.min !== undefined && n < spec.min) {
      throw new FlatlineError('FLATLINE_ERR_TOXIC_ATTRIBUTE', `${where} must be at least ${spec.min} ${spec.unit} (got ${n})`, { status: 400 });
    }
    if (spec.integer && !Number.isInteger(n)) {
      throw new FlatlineError('FLATLINE_ERR_TOXIC_ATTRIBUTE', `${where} must be a whole number of ${spec.unit} (got ${n})`, { status: 400 });
    }
    if (spec.max !== undefined && n > spec.max) {
      const why = spec.max === MAX_TIMER_MS * (spec.unit === 'µs' ? 1000 : 1) ? ', the longest a timer can wait' : '';
      throw new FlatlineError('FLATLINE_ERR_TOXIC_ATTRIBUTE', `${where} must be at most ${spec.max} ${spec.unit}${why} (got ${n})`, { status: 400 });
    }
    out[key] = n;
  }
  return out as A;
}

/** The stages of a toxic that acts in one direction only. */
export function only(stream: Stream, stage: ToxicStage): Partial<Record<Stream, ToxicStage>> {
  return stream === 'upstream' ? { upstream: stage } : { downstream: stage };
}
