import type { ClientEvents } from '../clients/adapter.ts';

/**
 * Message ids and delivery events for a client with no acknowledgement of its own. All its
 * application ever learns is that a write went through (the seed articles mark a message sent in
 * CocoaAsyncSocket's didWriteDataWithTag, 000), so that is what message.acked means here: the
 * delivery check then counts what such a client wrote into a dead link as lost, which is exactly
 * what its user sees ("sent", never arrived).
 */
export class WrittenMessages {
  private sequence = 0;

  constructor(
    private readonly prefix: string,
    private readonly events: ClientEvents,
  ) {}

  /** A fresh id, traced as sent. */
  sent(): string {
    const id = `${this.prefix}-${++this.sequence}`;
    this.events.emit({ type: 'message.sent', id });
    return id;
  }

  /** The write of `id` completed, or failed with `error` (the trace notes it; the client's application is not told). */
  written(id: string, error?: Error | null): void {
    if (error) this.failed(id, `write failed: ${error.message}`);
    else this.events.emit({ type: 'message.acked', id });
  }

  failed(id: string, reason: string): void {
    this.events.emit({ type: 'message.failed', id, reason });
  }
}
