import type { Clock, TimerHandle } from '../clock/clock.ts';
import type { Backoff } from '../policy/backoff.ts';
import type { ClientEvents } from './adapter.ts';

/**
 * What a client with a Backoff does after losing its connection: ask for the next retry, trace it
 * (reconnect.scheduled, or reconnect.gave_up), and run the retry when it is due.
 */
export class Reconnector {
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly backoff: Backoff,
    private readonly events: ClientEvents,
  ) {}

  /** A retry is waiting for its time. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Schedules `retry(attempt)`; false (and the client closed) when the backoff gives up. */
  schedule(retry: (attempt: number) => void): boolean {
    this.backoff.connectionLost();
    const next = this.backoff.next();
    if (!next) {
      this.events.emit({ type: 'reconnect.gave_up', attempts: this.backoff.attempts });
      this.events.setState('closed');
      return false;
    }
    this.events.emit({ type: 'reconnect.scheduled', attempt: next.attempt, delayMs: next.delayMs });
    this.events.setState('waiting');
    // "at once" means at once: a 0 ms timer would still be 1 ms late (timers round 0 up to 1)
    if (next.delayMs === 0) {
      retry(next.attempt);
      return true;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      retry(next.attempt);
    }, next.delayMs);
    return true;
  }

  cancel(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
