import type { Clock } from '../clock/clock.ts';

/**
 * One observable happening, at a virtual time. `source` names who saw it ("client:tcp-1",
 * "proxy:server", "link:server#3"), `type` what happened ("state", "heartbeat.sent",
 * "nat.expired", "toxic.added"); the rest is detail.
 */
export interface TraceEvent {
  /** Milliseconds since the trace began, on the world's clock. */
  t: number;
  source: string;
  type: string;
  [detail: string]: unknown;
}

/** Where events go. Everything that can see something happen takes one of these. */
export type TraceSink = (source: string, type: string, detail?: Record<string, unknown>) => void;

/** The ordered record of one run. */
export class Trace {
  readonly events: TraceEvent[] = [];
  /** The clock time the trace began at; event times count from here. */
  readonly origin: number;

  constructor(private readonly clock: Clock) {
    this.origin = clock.now();
  }

  /** A sink bound to this trace, to hand to links, proxies and clients. */
  readonly sink: TraceSink = (source, type, detail) => {
    this.events.push({ t: this.clock.now() - this.origin, source, type, ...detail });
  };

  /** Events of one source, or of every source whose name starts with `prefix*`. */
  of(source: string): TraceEvent[] {
    if (source.endsWith('*')) {
      const prefix = source.slice(0, -1);
      return this.events.filter((e) => e.source.startsWith(prefix));
    }
    return this.events.filter((e) => e.source === source);
  }

  ofType(type: string): TraceEvent[] {
    return this.events.filter((e) => e.type === type);
  }
}

/** A sink that drops everything, for code that runs without a trace. */
export const noTrace: TraceSink = () => {};
