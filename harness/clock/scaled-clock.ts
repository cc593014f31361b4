import { FlatlineError } from '../util/errors.ts';
import { realTimers } from './clock.ts';
import { FakeTimersClock } from './fake-clock.ts';

/** Real milliseconds between ticks: the granularity of scaled time (at scale 0.01, 5 ms real = 500 ms scenario time). */
const TICK_MS = 5;

/**
 * The most real time one tick moves the clock by, however late the tick came. A process that was
 * paused (descheduled, a long GC, a busy loop) resumes in steps of this size with a turn of the
 * event loop between them, so the I/O that was waiting lands before the next timers fire: a reply
 * stuck in a socket buffer is read before its deadline, never after it. The rest of the pause is
 * skipped, not replayed: scenario time falls behind real time by that much.
 */
export const MAX_STEP_MS = 2 * TICK_MS;

/** A stretch of real time the clock skipped because the process was not running its ticks. */
export interface Pause {
  /** Clock time (ms since the epoch) where the clock resumed. */
  at: number;
  /** Real milliseconds skipped. */
  realMs: number;
}

/**
 * Scenario time running at 1/scale of real speed, for real-time runs against a real Toxiproxy:
 * at scale 0.01 a 5-minute NAT timeout passes in 3 real seconds. It is the fake-timers clock
 * of VirtualClock, moved by a real-time ticker instead of the settle loop, so every timer in the
 * process (clients, servers, flatline's own toxics) and every duration a subject has by default
 * shrinks together, and traces read in scenario time, comparable with virtual runs.
 */
export class ScaledClock extends FakeTimersClock {
  readonly kind = 'real' as const;
  readonly scale: number;
  private readonly ticker: ReturnType<typeof realTimers.setInterval>;
  private readonly skipped: Pause[] = [];
  private holds = 0;
  /** Clock times a sleep() ends at: a step stops there, so what the sleeper does next happens at that very time. */
  private readonly stops: number[] = [];
  /** Scenario ms owed by rounding, carried to the next tick so the clock does not drift. */
  private carry = 0;

  constructor(scale: number) {
    if (!(scale > 0 && scale <= 1)) {
      throw new FlatlineError('FLATLINE_ERR_USAGE', `time scale must be above 0 and at most 1 (got ${scale}); 0.01 makes a 5-minute timeout 3 s`);
    }
    super();
    this.scale = scale;
    let last = realTimers.performanceNow();
    this.ticker = realTimers.setInterval(() => {
      const now = realTimers.performanceNow();
      const gap = now - last;
      last = now;
      if (this.holds > 0) return;
      this.step(gap);
    }, TICK_MS);
  }

  /** Real milliseconds for `ms` of scenario time. */
  toReal(ms: number): number {
    return ms * this.scale;
  }

  /** The pauses the clock skipped so far, in order. */
  get pauses(): readonly Pause[] {
    return this.skipped;
  }

  /**
   * Awaits `work` with the clock standing still, as in virtual time: a call that takes real time
   * (a Toxiproxy API request) takes no scenario time, so a fault applied "at 40s" acts at 40s.
   */
  async hold<T>(work: Promise<T>): Promise<T> {
    this.holds++;
    try {
      return await work;
    } finally {
      this.holds--;
    }
  }

  /**
   * Resolves after `ms` of scenario time, exactly then: the step that reaches it ends there, so
   * the timeline step that follows a sleep acts at its own time, not at the end of a tick.
   */
  override sleep(ms: number): Promise<void> {
    const at = this.fake.now + ms;
    this.stops.push(at);
    return new Promise((resolve) =>
      this.fake.setTimeout(() => {
        this.stops.splice(this.stops.indexOf(at), 1);
        resolve();
      }, ms),
    );
  }

  /** Moves the clock by `gapMs` of real time (MAX_STEP_MS at most), stopping early at the next sleep's end. */
  private step(gapMs: number): void {
    const realMs = Math.min(gapMs, MAX_STEP_MS);
    if (gapMs > realMs) this.skipped.push({ at: this.fake.now, realMs: Math.round(gapMs - realMs) });
    const ms = realMs / this.scale + this.carry;
    const untilStop = Math.min(...this.stops) - this.fake.now;
    const whole = Math.min(Math.floor(ms), untilStop);
    this.carry = whole === untilStop ? 0 : ms - whole;
    this.fake.tick(whole);
  }

  override uninstall(): void {
    realTimers.clearInterval(this.ticker);
    super.uninstall();
  }
}
