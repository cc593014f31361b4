import { realTimers } from '../../harness/clock/clock.ts';

/** How often the meter looks at the clock; a stall shorter than this is not seen at all. */
const PERIOD_MS = 5;

/**
 * Measures how late this process's event loop ran: a real interval timer that sums how much later
 * than its period each tick came. On a loaded machine (the process descheduled, a GC pause) every
 * timer and socket callback is late by about that much, so real-clock tests widen their upper
 * bounds by what was measured instead of guessing a margin that a busy CI box then exceeds.
 */
export class SchedulerLag {
  private timer: ReturnType<typeof realTimers.setInterval> | undefined;
  private last = 0;
  private total = 0;

  start(): this {
    this.last = realTimers.performanceNow();
    this.timer = realTimers.setInterval(() => {
      const now = realTimers.performanceNow();
      this.total += Math.max(0, now - this.last - PERIOD_MS);
      this.last = now;
    }, PERIOD_MS);
    this.timer.unref();
    return this;
  }

  /** Real milliseconds of lateness measured since start(), the current stall included. */
  get totalMs(): number {
    return this.total + Math.max(0, realTimers.performanceNow() - this.last - PERIOD_MS);
  }

  stop(): void {
    realTimers.clearInterval(this.timer);
    this.timer = undefined;
  }
}
