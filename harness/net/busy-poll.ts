/**
 * Keeps the event loop polling the network without blocking for a short window after activity,
 * before it may sleep: a proxy in a process of its own answers the next chunk on a CPU that is
 * still awake instead of one the kernel (or, on a VM, the hypervisor) must wake first. Go's
 * runtime does the same before it parks a thread: findRunnable polls the network without blocking
 * (netpoll(0)) and a worker out of work spins looking for more before it parks (golang/go
 * src/runtime/proc.go, "Worker thread parking/unparking" and findRunnable), which is part of why a
 * real Toxiproxy answers round trips faster than node's default loop, which blocks in epoll_wait
 * the moment it has nothing to run.
 *
 * How: while the window is open a setImmediate is always pending, and libuv polls with a zero
 * timeout while immediates are pending (node's immediate idle handle). Each turn costs one
 * epoll_wait(0); a turn that saw no activity for the whole window lets the loop block again, so an
 * idle process uses no CPU. `poke()` is a flag store, cheap enough to call on every chunk.
 */
export class BusyPoll {
  private active = false;
  private pending: NodeJS.Immediate | undefined;
  private lastActive = 0;

  /** `windowMs` 0 turns it off: poke() does nothing. */
  constructor(readonly windowMs: number) {}

  /** Something happened: keep polling for another window from now. */
  poke(): void {
    this.active = true;
    if (this.pending || this.windowMs <= 0) return;
    this.lastActive = performance.now();
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
    this.pending = setImmediate(this.turn);
  };
}
