import { brandCheck } from '../util/brand.ts';
import { FlatlineError } from '../util/errors.ts';
import { formatMs } from '../util/duration.ts';
import { Agenda, type Agendum } from './agenda.ts';
import { realTimers, type Clock, type TimerHandle } from './clock.ts';
import { DEFAULT_EPOCH, FakeTimersClock, nextFakeTimerAt, type FakeInternals } from './fake-clock.ts';
import { IoTracker } from './io-tracker.ts';
import { watchOffLoopWork, type OffLoopWatch } from './off-loop-work.ts';

export interface VirtualClockOptions {
  /** Wall-clock date the virtual clock starts at (ms since 1970). Fixed so traces are stable. */
  epoch?: number;
  /** setImmediate rounds with no progress before the world counts as quiet. */
  quietRounds?: number;
  /** Extra real time to wait for out-of-process peers (an external broker) before counting quiet. */
  externalQuietMs?: number;
  /**
   * Real time I/O in flight may stand still (no byte, connect or close anywhere) before settle fails
   * with FLATLINE_ERR_CLOCK_STALL naming the socket. Default 30 s: loopback I/O is done in
   * microseconds, and even a SYN the kernel dropped is sent again 1 s later (see DEFAULT_STALL_MS).
   */
  stallMs?: number;
  /**
   * What carries the bytes: kernel loopback sockets watched by the IoTracker (default), or the
   * simulated network, whose packets are timers on this clock, so that settling only drains
   * node's own queues and never waits on real time.
   */
  substrate?: 'kernel' | 'sim';
}

export interface RunOptions {
  /** Virtual time after which the run fails: a guard against runs that never end. */
  limitMs?: number;
  /** Wall-clock watchdog: a run that takes longer than this in real time fails. */
  wallLimitMs?: number;
}

export { DEFAULT_EPOCH };

/**
 * Well under the runner's 60 s watchdog, so a stall is reported by name, and far above anything a
 * loaded machine does to loopback I/O: a SYN a full backlog dropped is sent again 1 s later, then
 * 2 s after that (Linux include/net/tcp.h TCP_TIMEOUT_INIT = 1 s, doubling per retry).
 */
const DEFAULT_STALL_MS = 30_000;

/**
 * Virtual time over real sockets. While installed, setTimeout/setInterval/Date/performance.now/hrtime are
 * @sinonjs/fake-timers' everywhere in the process, so third-party clients run on it unchanged.
 * Time moves only through `run`/`advance`, which alternate two steps:
 *   1. settle: let real I/O run (setImmediate rounds) until the IoTracker says nothing is in flight;
 *   2. jump to the next due timer and fire the timers due at that instant.
 * setImmediate, process.nextTick and queueMicrotask stay real: real I/O needs them.
 */
export class VirtualClock extends FakeTimersClock {
  readonly kind = 'virtual' as const;
  readonly io = new IoTracker();
  private readonly quietRounds: number;
  private readonly externalQuietMs: number;
  private readonly stallMs: number;
  readonly substrate: 'kernel' | 'sim';
  /** The simulated network's own events, fired in time order with the fake timers (see `simTimers`). */
  private readonly agenda = new Agenda();
  private constructor(
    options: VirtualClockOptions,
    /** zlib, WebCrypto and thread-pool requests in flight: time waits for them as for bytes on a socket. */
    private readonly offLoopWork: OffLoopWatch,
  ) {
    super(options.epoch);
    this.quietRounds = options.quietRounds ?? 2;
    this.externalQuietMs = options.externalQuietMs ?? 5;
    this.stallMs = options.stallMs ?? DEFAULT_STALL_MS;
    this.substrate = options.substrate ?? 'kernel';
    if (this.substrate === 'kernel') this.io.start();
    this.io.addSource(this.offLoopWork);
  }

  /** Installs the virtual clock process-wide. Only one fake clock can be installed at a time. */
  static install(options: VirtualClockOptions = {}): VirtualClock {
    if (options.substrate === 'sim') checkImmediatesVisible();
    // Watched before the fake timers go in, so that a node it cannot watch leaves nothing installed.
    const offLoopWork = watchOffLoopWork();
    try {
      return new VirtualClock(options, offLoopWork);
    } catch (err) {
      offLoopWork.dispose();
      throw err;
    }
  }

  override uninstall(): void {
    this.offLoopWork.dispose();
    this.io.stop();
    super.uninstall();
  }

  /**
   * Lets real I/O run until nothing is in flight. Not itself async: an async function returning
   * the sim's promise would wrap it in two more microtask turns at every instant.
   */
  settle(): Promise<void> {
    return this.substrate === 'sim' ? this.drainQueues() : this.settleKernel();
  }

  /**
   * Settles, then calls `step` (which fires the next instant's timers, or says to stop by returning
   * false, or throws), and again until it stops. On the sim that is one promise for the whole
   * stretch, not one per instant.
   */
  private async settleThrough(step: () => boolean): Promise<void> {
    if (this.substrate === 'sim') return this.drainQueues(step);
    do await this.settleKernel();
    while (step());
  }

  /** Kernel sockets: setImmediate rounds until the IoTracker sees nothing move or in flight. */
  private async settleKernel(): Promise<void> {
    let quiet = 0;
    let last = this.io.progress();
    let frozenSince = realTimers.dateNow();
    let sawExternal = false;
    for (;;) {
      await nextIoTurn();
      if (this.aborted) throw this.aborted;
      const progress = this.io.progress();
      const { busy, external, waiting } = this.io.state();
      sawExternal ||= external && progress !== last;
      if (progress !== last) {
        last = progress;
        quiet = 0;
        frozenSince = realTimers.dateNow();
        continue;
      }
      if (busy) {
        // Real time passing never makes a busy world quiet: that would let virtual time run on
        // while the bytes are still on their way, and the run would depend on the machine's load.
        if (realTimers.dateNow() - frozenSince >= this.stallMs) throw stalled(this.stallMs, waiting);
        quiet = 0;
        continue;
      }
      if (++quiet < this.quietRounds) continue;
      if (!sawExternal) return;
      // Out-of-process peers answer in real time: give them a moment, and go on if they did.
      sawExternal = false;
      await new Promise((resolve) => realTimers.setTimeout(resolve, this.externalQuietMs));
      if (this.io.progress() === last) return;
      quiet = 0;
    }
  }

  /**
   * On the simulated network nothing is in flight outside this clock: settling means letting
   * node's own queues (nextTick, microtasks, setImmediate) run dry at the current instant.
   * A chain of immediates rather than of awaits: node runs every tick and microtask queued before
   * it ahead of each immediate, however deep they nest, so one immediate per round says the queues
   * are dry; a round of promises and ticks of its own would cost as much as the instant's work (a
   * fleet has a hundred thousand instants an hour, each also running AsyncLocalStorage's promise
   * hook once hosts are in use).
   */
  private drainQueues(step?: () => boolean): Promise<void> {
    let since = realTimers.performanceNow();
    return new Promise((resolve, reject) => {
      const round = (): void => {
        try {
          if (this.aborted) throw this.aborted;
          // A packet sent at this instant with no latency arrives at it, after the ticks of its sender.
          if (this.agenda.peekAt() === this.fake.now) {
            this.agenda.shift()!.fn();
            return void realTimers.setImmediate(round);
          }
          // Immediates queued meanwhile run first; this round is not counted among them.
          if (pendingImmediates() > 0) return void realTimers.setImmediate(round);
          // In-process work off the event loop (zlib, WebCrypto: off-loop-work.ts) finishes at this
          // instant too. It takes microseconds to milliseconds: look again at once for the first
          // millisecond, then once a millisecond rather than spin.
          if (this.io.sourcesBusy()) {
            const waited = realTimers.performanceNow() - since;
            if (waited >= this.stallMs) throw stalled(this.stallMs, 'in-process work off the event loop');
            return void (waited < 1 ? realTimers.setImmediate(round) : realTimers.setTimeout(round, 1));
          }
          // Dry: on to the next instant, if the caller wants one.
          if (!step?.()) return resolve();
          since = realTimers.performanceNow();
          realTimers.setImmediate(round);
        } catch (err) {
          // A packet handler or a timer that throws fails the run, as it would through an await.
          reject(err);
        }
      };
      realTimers.setImmediate(round);
    });
  }

  /** Runs virtual time forward by `ms`, firing every timer due on the way, settling between timers. */
  async advance(ms: number): Promise<void> {
    const target = this.fake.now + ms;
    await this.settleThrough(() => {
      const next = this.nextTimerAt();
      if (next === undefined || next > target) return false;
      this.fireDue(next);
      return true;
    });
    this.fake.tick(target - this.fake.now);
    await this.settle();
  }

  /**
   * Drives the world until `work` settles: whenever everything is quiet and `work` is still
   * waiting, time jumps to the next timer. Fails when nothing is scheduled and nothing moves
   * (the work waits for something that cannot happen), past `limitMs` of virtual time, or past
   * `wallLimitMs` of real time.
   */
  async run<T>(work: Promise<T> | (() => Promise<T>), options: RunOptions = {}): Promise<T> {
    const promise = typeof work === 'function' ? work() : work;
    let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
    promise.then(
      (value) => (outcome = { ok: true, value }),
      (error: unknown) => (outcome = { ok: false, error }),
    );
    const start = this.fake.now;
    const wallStart = realTimers.dateNow();
    const limit = options.limitMs ?? Number.POSITIVE_INFINITY;
    await this.settleThrough(() => {
      if (outcome) return false;
      if (options.wallLimitMs !== undefined && realTimers.dateNow() - wallStart > options.wallLimitMs) {
        throw new FlatlineError('FLATLINE_ERR_CLOCK_LIMIT', `the run took more than ${formatMs(options.wallLimitMs)} of real time (watchdog) at virtual ${formatMs(this.fake.now - start)}; it is probably busy-looping or waiting on real I/O that never finishes`);
      }
      const next = this.nextTimerAt();
      if (next === undefined) {
        throw new FlatlineError('FLATLINE_ERR_CLOCK_STUCK', `nothing is scheduled and no I/O is in flight at virtual ${formatMs(this.fake.now - start)}, but the run is still waiting: it waits for something that cannot happen`);
      }
      if (next - start > limit) {
        throw new FlatlineError('FLATLINE_ERR_CLOCK_LIMIT', `the run did not finish within its virtual time limit of ${formatMs(limit)}`);
      }
      this.fireDue(next);
      return true;
    });
    // settleThrough returns only once the step saw the outcome (it throws otherwise).
    const settled = outcome as NonNullable<typeof outcome>;
    if (!settled.ok) throw settled.error;
    return settled.value;
  }

  /**
   * Jumps to `at` and fires every timer due then, in fake-timers' order. Timers due at the same
   * virtual instant fire together before I/O settles: real I/O takes no virtual time, so its
   * effects land after everything that happened at that instant.
   */
  private fireDue(at: number): void {
    // One timer at a time off fake-timers' heap: tick() would also scan every pending timer once
    // it runs out of due ones, which costs a fleet of sockets O(timers) per instant. The agenda's
    // events due by then fire in the same pass, before a timer due at the same instant (a packet
    // is in before the deadline that waits for it); those scheduled during the pass for this very
    // instant wait for the settle, as a packet sent now arrives after its sender's ticks.
    const fake = this.fake as FakeInternals;
    const cutoff = this.agenda.nextSeq;
    for (;;) {
      const timer = nextFakeTimerAt(this.fake);
      const event = this.agenda.peekAt();
      if (event !== undefined && event <= at && (timer === undefined || event <= timer) && this.agenda.peekSeq()! < cutoff) {
        const a = this.agenda.shift()!;
        fake.now = a.at;
        fake.duringTick = true;
        try {
          a.fn();
        } finally {
          fake.duringTick = false;
        }
      } else if (timer !== undefined && timer <= at) {
        this.fake.next();
      } else break;
    }
    if (this.fake.now < at) this.fake.tick(at - this.fake.now);
  }

  /** Virtual time of the earliest pending timer or agenda event, if any. */
  private nextTimerAt(): number | undefined {
    const timer = nextFakeTimerAt(this.fake);
    const event = this.agenda.peekAt();
    return event === undefined ? timer : timer === undefined ? event : Math.min(event, timer);
  }

  override pendingTimers(): number {
    return super.pendingTimers() + this.agenda.size;
  }

  /**
   * A clock over the agenda, for the simulated network's packets and TCP and NAT timers: the same
   * virtual time as the fake timers, without a fake-timers handle per event. A delay is whole ms
   * (fake-timers truncates too); 0 is this instant.
   */
  readonly simTimers: Clock = {
    kind: 'virtual',
    now: () => this.fake.now,
    setTimeout: (fn, ms) => this.agenda.schedule(this.fake.now + Math.max(0, Math.trunc(ms) || 0), fn) as unknown as TimerHandle,
    clearTimeout: (handle) => {
      if (handle !== undefined) this.agenda.cancel(handle as unknown as Agendum);
    },
    setInterval: (fn, ms) => {
      const every = Math.max(1, Math.trunc(ms) || 1);
      const interval = { current: undefined as Agendum | undefined };
      const fire = () => {
        interval.current = this.agenda.schedule(this.fake.now + every, fire);
        fn();
      };
      interval.current = this.agenda.schedule(this.fake.now + every, fire);
      return interval as unknown as TimerHandle;
    },
    clearInterval: (handle) => {
      const current = (handle as { current?: Agendum } | undefined)?.current;
      if (current) this.agenda.cancel(current);
    },
    sleep: (ms) => new Promise<void>((resolve) => this.agenda.schedule(this.fake.now + Math.max(0, Math.trunc(ms) || 0), resolve)),
  };
}

/** True for a VirtualClock of any copy of flatline's modules (util/brand.ts); use it in place of `instanceof`. */
export const isVirtualClock = brandCheck('VirtualClock', VirtualClock);

function stalled(stallMs: number, waiting: string | undefined): FlatlineError {
  return new FlatlineError(
    'FLATLINE_ERR_CLOCK_STALL',
    `I/O stopped moving for ${formatMs(stallMs)} of real time while ${waiting ?? 'something was in flight'}, so virtual time cannot go on. ` +
      'If that peer is out of process (an external broker or server), run the world in real time (--time-scale); ' +
      'if it is in this process, something holds the socket without reading it or closing it; ' +
      `if the machine is only overloaded, raise VirtualClock's stallMs.`,
  );
}

/**
 * Fails when this node does not list queued immediates in `process.getActiveResourcesInfo()` (an
 * experimental API in node 20): the sim's settle would count a world as quiet while callbacks are
 * still queued and move time on under them. Once a process.
 */
let immediatesVisible = false;
function checkImmediatesVisible(): void {
  if (immediatesVisible) return;
  const probe = realTimers.setImmediate(() => {});
  immediatesVisible = pendingImmediates() > 0;
  realTimers.clearImmediate(probe);
  if (!immediatesVisible) {
    throw new FlatlineError('FLATLINE_ERR_CLOCK_UNSUPPORTED', `node ${process.version} does not list queued immediates in process.getActiveResourcesInfo(), which the simulated network's clock needs to tell when a virtual instant is over; run with --network kernel or on a node that does (20.19 and later do)`);
  }
}

/** setImmediate callbacks still queued (node lists each ref'ed one as an 'Immediate' resource). */
function pendingImmediates(): number {
  let n = 0;
  for (const resource of process.getActiveResourcesInfo()) if (resource === 'Immediate') n++;
  return n;
}

/** One turn of the event loop: microtasks drain, then pending I/O callbacks run in the poll phase. */
function nextIoTurn(): Promise<void> {
  return new Promise((resolve) => realTimers.setImmediate(resolve));
}
