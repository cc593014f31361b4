import { realTimers, type Clock, type TimerHandle } from './clock.ts';

/** Wall-clock time, for the standalone Toxiproxy-compatible server and real-time runs. */
export class RealClock implements Clock {
  readonly kind = 'real' as const;

  now(): number {
    return realTimers.dateNow();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return realTimers.setTimeout(fn, ms);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) realTimers.clearTimeout(handle as ReturnType<typeof setTimeout>);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return realTimers.setInterval(fn, ms);
  }

  clearInterval(handle: TimerHandle | undefined): void {
    if (handle !== undefined) realTimers.clearInterval(handle as ReturnType<typeof setInterval>);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => realTimers.setTimeout(resolve, ms));
  }
}
