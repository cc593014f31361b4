import { afterEach, describe, expect, it } from 'vitest';
import { realTimers } from './clock.ts';
import { MAX_STEP_MS, ScaledClock } from './scaled-clock.ts';

/** Keeps this process busy for `ms` of real time: a pause, as a descheduled process or a long GC would make. */
function pauseProcess(ms: number): void {
  const until = realTimers.performanceNow() + ms;
  while (realTimers.performanceNow() < until) {
    // busy: no timer, no I/O callback runs meanwhile
  }
}

const realSleep = (ms: number) => new Promise((resolve) => realTimers.setTimeout(resolve, ms));

let clock: ScaledClock | undefined;
afterEach(() => {
  clock?.uninstall();
  clock = undefined;
});

describe('ScaledClock', () => {
  it('runs scenario time at 1/scale of real speed, never faster', async () => {
    clock = new ScaledClock(0.01);
    const start = clock.now();
    const realStart = realTimers.performanceNow();
    await realSleep(100);
    const elapsed = clock.now() - start;
    expect(elapsed).toBeGreaterThan(0);
    expect(elapsed).toBeLessThanOrEqual((realTimers.performanceNow() - realStart) / 0.01);
  });

  it('resumes from a 1 s pause in bounded steps: a reply waiting behind the pause lands before its deadline', async () => {
    clock = new ScaledClock(0.01);
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      // a ping at 100 ms whose reply is I/O (the next turn of the event loop), and its deadline at 5 s
      clock!.setTimeout(() => {
        order.push('ping');
        realTimers.setImmediate(() => order.push('reply'));
      }, 100);
      clock!.setTimeout(() => {
        order.push('deadline');
        resolve();
      }, 5000);
    });
    pauseProcess(1000); // 100 s of scenario time at this scale: both timers are overdue when it ends
    await done;
    expect(order).toEqual(['ping', 'reply', 'deadline']);
    const [pause, ...others] = clock.pauses;
    expect(others.every((p) => p.realMs < pause!.realMs)).toBe(true);
    expect(pause!.realMs).toBeGreaterThanOrEqual(1000 - 2 * MAX_STEP_MS);
  });

  it('stands still while it is held', async () => {
    clock = new ScaledClock(0.01);
    const before = clock.now();
    await clock.hold(realSleep(50));
    expect(clock.now()).toBe(before);
    expect(clock.pauses).toEqual([]); // held time is not a pause
  });

  it('ends a sleep at exactly its time, whatever the tick size', async () => {
    clock = new ScaledClock(0.01);
    const start = clock.now();
    await clock.sleep(1234);
    expect(clock.now() - start).toBe(1234);
    await clock.sleep(1);
    expect(clock.now() - start).toBe(1235);
  });
});
