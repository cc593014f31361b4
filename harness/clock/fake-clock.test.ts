import { setTimeout as timersSetTimeout } from 'node:timers';
import { scheduler, setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { importCopy } from '../../test/support/module-copy.ts';
import { checkInternals, FakeTimersClock, isFakeTimersClock, type InstalledFake } from './fake-clock.ts';
import { RealClock } from './real-clock.ts';
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

/** A fake-timers clock as another release might keep it: `timers` by id as in 15.5.0, the heap as `heap`. */
function otherRelease(heapName: string): InstalledFake {
  const timers = new Map<number, { callAt: number }>();
  const heap = { peek: () => [...timers.values()][0], remove: () => true };
  let id = 0;
  return {
    now: 0,
    timers,
    [heapName]: heap,
    setTimeout: (_fn: () => void, ms: number) => (timers.set(++id, { callAt: ms }), id),
    clearTimeout: (handle: number) => void timers.delete(handle),
  } as unknown as InstalledFake;
}

it('refuses a fake-timers that does not keep its timers as 15.5.0 does, naming it, rather than fire timers in bulk', () => {
  expect(() => checkInternals(otherRelease('timerHeap'))).not.toThrow();
  expect(() => checkInternals(otherRelease('queue'))).toThrow(
    expect.objectContaining({ code: 'FLATLINE_ERR_CLOCK_UNSUPPORTED', message: expect.stringMatching(/^@sinonjs\/fake-timers 15\.5\.0 does not keep its timers as 15\.5\.0 does .*timerHeap.*install @sinonjs\/fake-timers 15\.5\.x/) }),
  );
});

it('the installed fake-timers passes the check, and its probe timer is gone', () => {
  clock = VirtualClock.install();
  expect(clock.pendingTimers()).toBe(0);
});

it("fakes the timers an ES module imports by name from node:timers and node:timers/promises (scheduler.wait too), and gives the real ones back", async () => {
  const real = timersSetTimeout;
  clock = VirtualClock.install();
  const fired: string[] = [];
  timersSetTimeout(() => fired.push(`node:timers at ${clock!.elapsed()}`), 5_000);
  void sleep(7_000).then(() => fired.push(`node:timers/promises at ${clock!.elapsed()}`));
  void scheduler.wait(9_000).then(() => fired.push(`scheduler.wait at ${clock!.elapsed()}`));
  await clock.advance(10_000);
  expect(fired).toEqual(['node:timers at 5000', 'node:timers/promises at 7000', 'scheduler.wait at 9000']);
  clock.uninstall();
  clock = undefined;
  expect(timersSetTimeout).toBe(real);
  expect(Object.hasOwn(scheduler, 'wait')).toBe(false); // the prototype's again
});

it('moves process.hrtime with virtual time, as Date and performance.now do (an adapter may time its round trips with it)', async () => {
  clock = VirtualClock.install();
  const [start, startBig] = [process.hrtime(), process.hrtime.bigint()];
  await clock.advance(1_500);
  const [s, ns] = process.hrtime(start);
  expect(s * 1e3 + ns / 1e6).toBe(1_500);
  expect(process.hrtime.bigint() - startBig).toBe(1_500_000_000n);
});

it('times AbortSignal.timeout() in virtual time, aborting as node does, and gives the real one back', async () => {
  const real = AbortSignal.timeout;
  clock = VirtualClock.install();
  const signal = AbortSignal.timeout(30_000);
  let abortedAt: number | undefined;
  signal.addEventListener('abort', () => (abortedAt = clock!.elapsed()));
  await clock.advance(29_999);
  expect(signal.aborted).toBe(false);
  await clock.advance(1);
  expect(abortedAt).toBe(30_000);
  expect(signal.reason).toMatchObject({ name: 'TimeoutError', message: 'The operation was aborted due to timeout' });
  expect(() => AbortSignal.timeout(-1)).toThrow(RangeError);
  clock.uninstall();
  clock = undefined;
  expect(AbortSignal.timeout).toBe(real);
});

it('is a FakeTimersClock to every copy of flatline, where instanceof says it is not', async () => {
  const theirs = await importCopy<typeof import('./virtual-clock.ts')>(new URL('./virtual-clock.ts', import.meta.url));
  clock = theirs.VirtualClock.install({ substrate: 'sim' });
  expect(clock instanceof FakeTimersClock).toBe(false);
  expect(isFakeTimersClock(clock)).toBe(true);
  expect([new RealClock(), {}, null, { kind: 'virtual' }].map(isFakeTimersClock)).toEqual([false, false, false, false]);
});
