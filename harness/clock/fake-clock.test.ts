import { afterEach, expect, it } from 'vitest';
import { VirtualClock } from './virtual-clock.ts';

let clock: VirtualClock | undefined;
afterEach(() => clock?.uninstall());

it('timers refreshed over and over (aedes refreshes a keepalive per packet) still fire in due order', async () => {
  clock = VirtualClock.install();
  const fired: number[] = [];
  const handles = Array.from({ length: 500 }, (_, i) => setTimeout(() => fired.push(Date.now()), 1_000 + ((i * 7919) % 5_000)));
  for (let k = 0; k < 5_000; k++) {
    await clock.advance(1);
    handles[(k * 31) % handles.length]!.refresh();
  }
  await clock.advance(10_000);
  expect(fired).toHaveLength(500);
  expect(fired).toEqual([...fired].sort((a, b) => a - b));
});

it('clocks installed one after another build their timers from the same classes, so V8 keeps its optimised code from world to world', () => {
  const heapShape = () => {
    clock = VirtualClock.install();
    setTimeout(() => {}, 1_000); // fake-timers makes its heap with the first timer
    const heap = (clock as unknown as { fake: { timerHeap: object } }).fake.timerHeap;
    clock.uninstall();
    clock = undefined;
    return Object.getPrototypeOf(heap) as object;
  };
  expect(heapShape()).toBe(heapShape());
});
