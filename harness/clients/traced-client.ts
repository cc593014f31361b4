import type { ClientState } from '../trace/events.ts';
import { ClientEvents, type ClientContext } from './adapter.ts';

/**
 * What flatline's own adapters share: the client's events written to the trace, and its name and
 * state read from them. Each adapter's own work (connect, send, close) is its own.
 */
export abstract class TracedClient {
  protected readonly events: ClientEvents;
  private sequence = 0;

  protected constructor(protected readonly ctx: ClientContext) {
    this.events = new ClientEvents(ctx);
  }

  get name(): string {
    return this.ctx.name;
  }

  get state(): ClientState {
    return this.events.state;
  }

  /** The id of the next message, "<name>-<n>", traced as sent. */
  protected sentMessage(): string {
    const id = `${this.ctx.name}-${++this.sequence}`;
    this.events.emit({ type: 'message.sent', id });
    return id;
  }
}
