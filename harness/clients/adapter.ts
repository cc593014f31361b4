import type { Clock } from '../clock/clock.ts';
import type { ClientEvent, ClientState } from '../trace/events.ts';
import type { TraceSink } from '../trace/trace.ts';
import type { Rng } from '../util/rng.ts';

/** What every client adapter is given: the world's clock, trace and a random stream of its own. */
export interface ClientContext {
  /** Names the client in the trace (source "client:<name>") and in message ids. */
  name: string;
  clock: Clock;
  trace: TraceSink;
  rng: Rng;
}

/**
 * The one interface through which flatline drives any client, reference or off-the-shelf.
 * The adapter turns what its client does into ClientEvents (see trace/events.ts);
 * those events are all the checks ever see.
 */
export interface ClientAdapter {
  readonly name: string;
  readonly state: ClientState;
  /** Start connecting; from then on the client keeps itself connected by its own rules. */
  connect(): void;
  /** Send one application message; returns the id it is known by in the trace. */
  send(body: unknown): string;
  /** The user asks to disconnect: no reconnect may follow. */
  disconnect(): Promise<void>;
  /** Release every socket and timer, whatever the state. Safe to call twice. */
  close(): Promise<void>;
}

/** A typed way for adapters to write ClientEvents to the trace. */
export class ClientEvents {
  readonly source: string;
  private current: ClientState = 'closed';

  constructor(private readonly ctx: ClientContext) {
    this.source = `client:${ctx.name}`;
  }

  get state(): ClientState {
    return this.current;
  }

  emit(event: ClientEvent): void {
    const { type, ...detail } = event;
    this.ctx.trace(this.source, type, detail);
  }

  /** Records a state change (only when the state really changes). */
  setState(state: ClientState): void {
    if (state === this.current) return;
    this.current = state;
    this.emit({ type: 'state', state });
  }
}
