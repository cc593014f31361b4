import { describe, expect, it } from 'vitest';
import { realTimers } from '../../harness/clock/clock.ts';
import { SchedulerLag } from './scheduler-lag.ts';

/** Keeps the event loop busy for `ms` of real time, as a descheduled process or a long GC would. */
function block(ms: number): void {
  const until = realTimers.performanceNow() + ms;
  while (realTimers.performanceNow() < until) {
    // busy: no timer can fire meanwhile
  }
}

describe('SchedulerLag', () => {
  it('counts a stall of the event loop as at least its length', async () => {
    const lag = new SchedulerLag().start();
    try {
      await new Promise((resolve) => realTimers.setTimeout(resolve, 20));
      const before = lag.totalMs;
      block(120);
      await new Promise((resolve) => realTimers.setTimeout(resolve, 20));
      // the stall is measured whole, whatever else the machine was doing
      expect(lag.totalMs - before).toBeGreaterThanOrEqual(110);
    } finally {
      lag.stop();
    }
  });

  it('includes a stall still in progress', () => {
    const lag = new SchedulerLag().start();
    block(60);
    expect(lag.totalMs).toBeGreaterThanOrEqual(50);
    lag.stop();
  });
});
