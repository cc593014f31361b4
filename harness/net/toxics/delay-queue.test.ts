import { describe, expect, it } from 'vitest';
import { RealClock } from '../../clock/real-clock.ts';
import { VirtualClock } from '../../clock/virtual-clock.ts';
import { DelayQueue, preciseNow } from './delay-queue.ts';

describe('DelayQueue', () => {
  it('hands on an item already due at once, with no timer in between (latency 0 adds nothing)', () => {
    const released: string[] = [];
    const clock = new RealClock();
    const queue = new DelayQueue<string>(clock, (item) => released.push(item));
    queue.push('now', clock.now());
    queue.push('past', clock.now() - 5);
    expect(released).toEqual(['now', 'past']);
  });

  it('on the virtual clock too', () => {
    const clock = VirtualClock.install();
    try {
      const released: string[] = [];
      const queue = new DelayQueue<string>(clock, (item) => released.push(item));
      queue.push('now', clock.now());
      expect(released).toEqual(['now']);
    } finally {
      clock.uninstall();
    }
  });

  it('on the real clock releases items 200 µs apart in order, each no sooner than due, below the millisecond', async () => {
    const clock = new RealClock();
    const start = preciseNow(clock) + 1;
    const gapMs = 0.2;
    const count = 40;
    const released: { i: number; late: number }[] = [];
    await new Promise<void>((resolve) => {
      const queue = new DelayQueue<number>(clock, (i) => {
        released.push({ i, late: preciseNow(clock) - (start + i * gapMs) });
        if (i === count - 1) resolve();
      });
      for (let i = 0; i < count; i++) queue.push(i, start + i * gapMs);
    });
    expect(released.map((r) => r.i)).toEqual([...Array(count).keys()]);
    for (const { late } of released) expect(late).toBeGreaterThanOrEqual(0); // lateness is the machine's, earliness would be ours
  });
});
