import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * Keeps the event loop polling the network without blocking for a short window after activity,
 * before it may sleep: a proxy in a process of its own answers the next chunk on a CPU that is
 * still awake instead of one the kernel (or, on a VM, the hypervisor) must wake first. Go's
 * runtime does the same before it parks a thread: findRunnable polls the network without blocking
 * (netpoll(0)) and a worker out of work spins looking for more before it parks (golang/go
 * src/runtime/proc.go, "Worker thread parking/unparking" and findRunnable), while node's loop
 * blocks in epoll_wait the moment it has nothing to run.
 *
 * How: while the window is open a setImmediate is always pending, and libuv polls with a zero
 * timeout while immediates are pending (node's immediate idle handle). Each turn costs one
 * epoll_wait(0); a window without activity lets the loop block again, so an idle process uses no
 * CPU. `poke()` is a flag store, cheap enough to call on every chunk.
 *
 * It polls only on a CPU nobody else wants (`spareCpu`): on a busy machine a wake-up is cheap
 * (the CPU is awake anyway) and a spinning loop would take time from the processes that are
 * waiting to run, the client and server under test among them.
 */
export class BusyPoll {
  private active = false;
  private pending: NodeJS.Immediate | undefined;
  private lastActive = 0;
  private spare = true;
  private checkedAt = Number.NEGATIVE_INFINITY;
  private readonly spareCpu: () => boolean;
  private readonly checkEveryMs: number;

  /** `windowMs` 0 turns it off: poke() does nothing. */
  constructor(
    readonly windowMs: number,
    options: { spareCpu?: () => boolean; checkEveryMs?: number } = {},
  ) {
    this.spareCpu = options.spareCpu ?? spareCpu;
    this.checkEveryMs = options.checkEveryMs ?? SPARE_CPU_CHECK_MS;
  }

  /** Something happened: keep polling for another window from now. */
  poke(): void {
    this.active = true;
    if (this.pending || this.windowMs <= 0) return;
    const now = performance.now();
    if (!this.hasSpareCpu(now)) return;
    this.lastActive = now;
    this.pending = setImmediate(this.turn);
  }

  /** Whether the loop is being kept awake now. */
  get polling(): boolean {
    return this.pending !== undefined;
  }

  /** Lets the loop block again at once (shutdown). */
  stop(): void {
    if (this.pending) clearImmediate(this.pending);
    this.pending = undefined;
  }

  private readonly turn = (): void => {
    const now = performance.now();
    if (this.active) {
      this.active = false;
      this.lastActive = now;
    } else if (now - this.lastActive >= this.windowMs) {
      this.pending = undefined;
      return;
    }
    if (!this.hasSpareCpu(now)) {
      this.pending = undefined;
      return;
    }
    this.pending = setImmediate(this.turn);
  };

  /** The last answer of `spareCpu`, asked again once it is older than checkEveryMs. */
  private hasSpareCpu(now: number): boolean {
    if (now - this.checkedAt >= this.checkEveryMs) {
      this.checkedAt = now;
      this.spare = this.spareCpu();
    }
    return this.spare;
  }
}

/** How often a polling loop asks whether the machine still has a CPU to spare: one small /proc read. */
const SPARE_CPU_CHECK_MS = 10;

/**
 * Whether a CPU would be idle if this thread did not run: the threads runnable right now (the
 * fourth field of /proc/loadavg, "running/total", this one included) fit on the CPUs this process
 * may use. Without /proc (not Linux) it cannot tell and says yes. In a container the count is the
 * host's, so a busy host keeps the poll off.
 */
export function spareCpu(): boolean {
  let loadavg: string;
  try {
    loadavg = readFileSync('/proc/loadavg', 'utf8');
  } catch {
    return true;
  }
  return runnableThreads(loadavg) <= availableParallelism();
}

/** The runnable threads in a /proc/loadavg line, e.g. 3 in "0.94 1.22 3.56 3/612 12345" (proc(5)). */
export function runnableThreads(loadavg: string): number {
  const runnable = Number(/^\S+ \S+ \S+ (\d+)\//.exec(loadavg)?.[1]);
  return Number.isFinite(runnable) ? runnable : 0;
}
