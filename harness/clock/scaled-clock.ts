import { FlatlineError } from '../util/errors.ts';
import { realTimers } from './clock.ts';
import { FakeTimersClock } from './fake-clock.ts';

/** Real milliseconds between ticks: the granularity of scaled time (at scale 0.01, 5 ms real = 500 ms scenario time). */
const TICK_MS = 5;

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

  constructor(scale: number) {
    if (!(scale > 0 && scale <= 1)) {
      throw new FlatlineError('FLATLINE_ERR_USAGE', `time scale must be above 0 and at most 1 (got ${scale}); 0.01 makes a 5-minute timeout 3 s`);
    }
    super();
    this.scale = scale;
    let last = realTimers.performanceNow();
    this.ticker = realTimers.setInterval(() => {
      const now = realTimers.performanceNow();
      this.fake.tick(Math.round((now - last) / scale));
      last = now;
    }, TICK_MS);
  }

  /** Real milliseconds for `ms` of scenario time. */
  toReal(ms: number): number {
    return ms * this.scale;
  }

  override uninstall(): void {
    realTimers.clearInterval(this.ticker);
    super.uninstall();
  }
}
