import { afterEach, beforeEach, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.ts';
import { watchAck } from './ack-watch.ts';

let clock: VirtualClock;
beforeEach(() => {
  clock = VirtualClock.install();
});
afterEach(() => clock.uninstall());

it('tells after `ms` without an ack, again every `ms`, and never after stop()', async () => {
  const overdue: number[] = [];
  const start = clock.now();
  const watch = watchAck(clock, 10_000, () => overdue.push(clock.now() - start));
  await clock.advance(35_000);
  expect(overdue).toEqual([10_000, 20_000, 30_000]);
  watch.stop();
  await clock.advance(60_000);
  expect(overdue).toHaveLength(3);
  expect(clock.pendingTimers()).toBe(0);
});

it('says nothing when the ack comes in time', async () => {
  let told = false;
  const watch = watchAck(clock, 10_000, () => (told = true));
  await clock.advance(9_999);
  watch.stop();
  await clock.advance(60_000);
  expect(told).toBe(false);
});
