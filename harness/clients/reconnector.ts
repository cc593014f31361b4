import type { Clock, TimerHandle } from '../clock/clock.ts';
import type { Backoff } from '../policy/backoff.ts';
import type { ClientEvents } from './adapter.ts';

export interface ReconnectorOptions {
  /**
   * Run an "at once" retry from a 0 ms timer, not in the stack that reported the loss: for a library
   * that reports it from inside its own close handler (mqtt.js) and must be done with that first.
   */
  deferAtOnce?: boolean;
  /**
   * Trace state "waiting" before reconnect.scheduled, the order the MQTT reference client has always
   * written; kept so its traces (and results.json) stay byte-identical.
   */
  waitingFirst?: boolean;
}

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
    private readonly options: ReconnectorOptions = {},
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
    if (this.options.waitingFirst) this.events.setState('waiting');
    this.events.emit({ type: 'reconnect.scheduled', attempt: next.attempt, delayMs: next.delayMs });
    this.events.setState('waiting');
    // "at once" means at once: a 0 ms timer would still be 1 ms late (timers round 0 up to 1)
    if (next.delayMs === 0 && !this.options.deferAtOnce) {
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
