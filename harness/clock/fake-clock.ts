import { createRequire, syncBuiltinESMExports } from 'node:module';
import timersPromises from 'node:timers/promises';
import FakeTimers from '@sinonjs/fake-timers';
import { brandCheck } from '../util/brand.ts';
import { FlatlineError } from '../util/errors.ts';
import type { Clock, TimerHandle } from './clock.ts';

export type InstalledFake = ReturnType<ReturnType<typeof FakeTimers.withGlobal>['install']>;

/** Wraps a timer's callback when it is scheduled, to carry context to where it fires (see sim/host-context.ts). */
export type TimerBinder = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => void;

/** Date the fake clocks start at, fixed so traces are stable. */
export const DEFAULT_EPOCH = Date.UTC(2026, 0, 1);

/**
 * The clock installed in this process, kept on the global object under a key of the global symbol
 * registry: every copy of flatline's modules (a scenario file's, dist/ beside the sources) sees it.
 */
const INSTALLED = Symbol.for('flatline.installedClock');
const slot = globalThis as { [INSTALLED]?: FakeTimersClock };

/**
 * One fake-timers instance for every clock of this copy of the module: each `withGlobal()` call
 * defines its classes afresh (its timer heap among them), so a clock per call gave every world's
 * timers objects of a new shape, and V8 threw away the code it had optimised for the previous
 * world's ("wrong map" deoptimisations at the start of every run in a warm worker). Made at the
 * first install, when no clock is installed (the guard above holds across copies): withGlobal
 * keeps the Date it finds as the real one, and a copy loaded during a run would find a fake.
 */
let fakeTimers: ReturnType<typeof FakeTimers.withGlobal> | undefined;

/**
 * A clock on @sinonjs/fake-timers, installed process-wide: setTimeout/setInterval/Date/
 * performance.now/process.hrtime are fake everywhere, so third-party clients run on it unchanged.
 * setImmediate, process.nextTick and queueMicrotask stay real: real I/O needs them.
 * What moves it is the subclass's business: the settle-then-jump loop (VirtualClock) or a
 * real-time ticker (ScaledClock). One per process at a time.
 */
export abstract class FakeTimersClock implements Clock {
  abstract readonly kind: 'virtual' | 'real';
  protected readonly fake: InstalledFake;
  protected readonly epoch: number;
  protected aborted: Error | undefined;
  /** Rejects once abort() is called: lets a wait on real I/O end with the run. */
  readonly whenAborted: Promise<never>;
  private readonly rejectAborted: (reason: Error) => void;
  private binder: TimerBinder | undefined;
  private readonly restoreTimerHelpers: () => void;

  protected constructor(epoch = DEFAULT_EPOCH) {
    if (slot[INSTALLED]) {
      throw new FlatlineError('FLATLINE_ERR_CLOCK_BUSY', 'a virtual clock is already installed in this process; uninstall it first (one virtual world per process; use workers for parallel runs)');
    }
    fakeTimers ??= FakeTimers.withGlobal(globalThis);
    this.fake = fakeTimers.install({
      now: epoch,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance', 'hrtime'],
      loopLimit: 1_000_000,
    });
    this.epoch = epoch;
    try {
      checkInternals(this.fake);
    } catch (err) {
      this.fake.uninstall();
      throw err;
    }
    wrapGlobalTimers(this.fake, (fn) => (this.binder ? this.binder(fn) : fn));
    this.restoreTimerHelpers = fakeTimerHelpers();
    // fake-timers replaces the timers of node:timers and node:timers/promises on their module
    // objects; an ES module's `import { setTimeout } from 'node:timers'` reads a copy node makes
    // at load time, which only this brings up to date (else it stays a real timer in a virtual world).
    syncBuiltinESMExports();
    let reject!: (reason: Error) => void;
    this.whenAborted = new Promise<never>((_, r) => (reject = r));
    this.rejectAborted = reject;
    this.whenAborted.catch(() => {}); // only a rejection someone races against counts
    slot[INSTALLED] = this;
  }

  /**
   * Ends the run on this clock: waits raced against whenAborted reject, and the settle loop
   * throws `reason` at its next step. The wall-clock watchdog's way to end a hung run.
   */
  abort(reason: Error): void {
    this.aborted = reason;
    this.rejectAborted(reason);
  }

  /** Restores the real timers. Timers still pending are dropped. */
  uninstall(): void {
    if (slot[INSTALLED] !== this) return;
    this.fake.uninstall();
    this.restoreTimerHelpers();
    syncBuiltinESMExports();
    slot[INSTALLED] = undefined;
  }

  /** Every timer scheduled from now on, global or through this clock, has its callback wrapped by `binder`. */
  bindTimers(binder: TimerBinder | undefined): void {
    this.binder = binder;
  }

  now(): number {
    return this.fake.now;
  }

  /** Clock milliseconds since the clock was installed. */
  elapsed(): number {
    return this.fake.now - this.epoch;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.fake.setTimeout(this.binder ? this.binder(fn) : fn, ms) as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.fake.clearTimeout(handle as never);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    return this.fake.setInterval(this.binder ? this.binder(fn) : fn, ms) as unknown as TimerHandle;
  }

  clearInterval(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.fake.clearInterval(handle as never);
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.fake.setTimeout(() => resolve(), ms));
  }

  /** Number of timers pending. */
  pendingTimers(): number {
    return this.fake.countTimers();
  }
}

/** True for a FakeTimersClock (virtual or scaled) of any copy of flatline; use it in place of `instanceof`. */
export const isFakeTimersClock = brandCheck('FakeTimersClock', FakeTimersClock);

/**
 * Node's timer helpers that fake-timers leaves real, because node arms them on its internal timers:
 * `AbortSignal.timeout(ms)` and `scheduler.wait(ms)` of node:timers/promises. In a virtual world a
 * fetch or a connect with such a deadline, or an adapter's wait, would take real time. While a
 * clock is installed they run on the fake timers, as node's own do (lib/internal/abort_controller.js:
 * a timer that does not keep the process alive, a DOMException named TimeoutError;
 * lib/timers/promises.js: `scheduler.wait` is `setTimeout(delay, undefined, options)`).
 */
function fakeTimerHelpers(): () => void {
  const realTimeout = AbortSignal.timeout;
  AbortSignal.timeout = (ms: number): AbortSignal => {
    if (!Number.isFinite(ms) || ms < 0) return realTimeout(ms); // node's own RangeError/TypeError
    const controller = new AbortController();
    setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms).unref();
    return controller.signal;
  };
  const { scheduler } = timersPromises as unknown as { scheduler: { wait(delay: number, options?: { signal?: AbortSignal }): Promise<void> } };
  scheduler.wait = (delay, options) => timersPromises.setTimeout(delay, undefined, options);
  return () => {
    AbortSignal.timeout = realTimeout;
    delete (scheduler as { wait?: unknown }).wait; // the prototype's again
  };
}

type HeapTimer = { callAt: number; heapIndex?: number };
/**
 * What flatline reads and writes of fake-timers beyond its API (@sinonjs/fake-timers 15.5.0,
 * src/fake-timers-src.js): the timers by id and the min-heap by due time (`ensureTimerState()` makes
 * both at the first timer, `rebuildTimerHeap()` replaces the heap, so it is read afresh each time,
 * never kept), and `duringTick`, which makes a 0 ms timer set while timers fire due 1 ms later,
 * as node's are (`addTimer`).
 */
export type FakeInternals = InstalledFake & {
  timers?: Map<number, HeapTimer>;
  timerHeap?: { peek(): HeapTimer | undefined; remove(timer: HeapTimer): boolean };
  duringTick?: boolean;
};

/** Due time of fake-timers' earliest pending timer, straight off its heap (checked at install: checkInternals). */
export function nextFakeTimerAt(fake: InstalledFake): number | undefined {
  return (fake as FakeInternals).timerHeap!.peek()?.callAt;
}

/**
 * Fails the install when this fake-timers does not keep its timers as 15.5.0 does. Without the heap
 * the virtual clock could not find the next due timer and a run would fire every timer of a stretch
 * in one tick, with no I/O between them: results that look fine and are wrong. So a probe timer is
 * scheduled and looked up by both ways flatline uses, and an error names the version instead.
 */
export function checkInternals(fake: InstalledFake): void {
  const internals = fake as FakeInternals;
  const probe = fake.setTimeout(() => {}, 1);
  try {
    const timer = internals.timers instanceof Map ? internals.timers.get(Number(probe)) : undefined;
    const heap = internals.timerHeap;
    if (!timer || typeof heap?.peek !== 'function' || typeof heap.remove !== 'function' || heap.peek() !== timer || timer.callAt !== fake.now + 1) {
      throw new FlatlineError(
        'FLATLINE_ERR_CLOCK_UNSUPPORTED',
        `@sinonjs/fake-timers ${fakeTimersVersion()} does not keep its timers as 15.5.0 does (a "timers" map by id and a "timerHeap" with peek() and remove()), which flatline's virtual clock reads; install @sinonjs/fake-timers 15.5.x beside flatline`,
      );
    }
  } finally {
    fake.clearTimeout(probe);
  }
}

function fakeTimersVersion(): string {
  try {
    return (createRequire(import.meta.url)('@sinonjs/fake-timers/package.json') as { version: string }).version;
  } catch {
    return '(version unknown)';
  }
}

/**
 * The global setTimeout/setInterval that third-party code calls, around fake-timers' own:
 * - each callback goes through `bind` (carrying the sim's host to where the timer fires);
 * - @sinonjs/fake-timers 15.5.0's `Timeout#refresh()` sets the timer's new due time before taking it
 *   out of its heap, so the heap can lose its order (aedes refreshes each client's keepalive timer
 *   on every packet; with a thousand clients timers then fire late or out of order). Taking the
 *   timer out first, with its old due time, lets the library's own refresh re-insert it correctly.
 */
function wrapGlobalTimers(fake: InstalledFake, bind: TimerBinder): void {
  const internals = fake as FakeInternals;
  const g = globalThis as unknown as Record<'setTimeout' | 'setInterval', (...args: unknown[]) => { refresh?: () => unknown }>;
  for (const name of ['setTimeout', 'setInterval'] as const) {
    const schedule = g[name];
    const wrapped = function (this: unknown, fn: unknown, ...rest: unknown[]) {
      const handle = schedule.call(this, typeof fn === 'function' ? bind(fn as () => void) : fn, ...rest);
      const refresh = handle.refresh;
      if (typeof refresh === 'function') {
        handle.refresh = function (this: unknown) {
          const timer = internals.timers!.get(Number(handle));
          if (timer) internals.timerHeap!.remove(timer);
          return refresh.call(this);
        };
      }
      return handle;
    };
    Object.assign(wrapped, schedule);
    g[name] = wrapped;
  }
}
