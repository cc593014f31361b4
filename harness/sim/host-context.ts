import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock, TimerHandle } from '../clock/clock.ts';
import { isFakeTimersClock } from '../clock/fake-clock.ts';

/** A node the context can name: in practice a Host (this file does not depend on host.ts). */
export interface ContextHost {
  readonly name: string;
}

/**
 * One store for every world of the process. An AsyncLocalStorage keys what it carries by a symbol
 * of its own, set on every immediate, tick and promise it sees: a store per world gave node's timer
 * and stream objects a new shape per world, and V8 dropped its optimised code for them at the start
 * of each run ("wrong map"). Worlds never share a host, so one store cannot mix theirs up.
 */
const hostStore = new AsyncLocalStorage<ContextHost>();
/** Contexts carrying hosts right now: the store's async hooks come off when the last one is disposed. */
let carrying = 0;

/**
 * Which host the running code lives on. A socket made with net.connect or a server that listens on
 * a wildcard belongs to the current host, so a client library runs on its own host (behind its own
 * NAT) without being told. The host follows the code through promises, immediates and ticks
 * (AsyncLocalStorage does that) and through fake timers (bound when they are scheduled); packets
 * and TCP timers enter the host they belong to. Off until the first `within()`: a world with one
 * host pays nothing for it.
 */
export class HostContext<H extends ContextHost = ContextHost> {
  private readonly store = hostStore as AsyncLocalStorage<H>;
  private active = false;

  /** `clock` is the world's (whose fake timers carry hosts); `timers` what the hosts' own timers run on. */
  constructor(
    private readonly clock: Clock,
    private readonly timers: Clock = clock,
  ) {}

  /** Runs `fn` on `host`: what it starts, now and later, belongs to `host`. */
  within<T>(host: H, fn: () => T): T {
    if (!this.active) this.activate();
    if (this.store.getStore() === host) return fn();
    return this.store.run(host, fn);
  }

  /** Enters `host` only when hosts are in use (a packet's arrival, a TCP timer). */
  enter<T>(host: H, fn: () => T): T {
    return this.active ? this.within(host, fn) : fn();
  }

  /** The host the running code lives on, if anyone said. */
  get current(): H | undefined {
    return this.active ? this.store.getStore() : undefined;
  }

  /** `timers`, with every timer's callback run on the host (a getter: the host is made with its clock) whoever armed it. */
  clockOf(host: () => H): Clock {
    const clock = this.timers;
    const onHost = (fn: () => void) => (this.active ? () => this.within(host(), fn) : fn);
    return {
      kind: clock.kind,
      now: () => clock.now(),
      setTimeout: (fn, ms): TimerHandle => clock.setTimeout(onHost(fn), ms),
      clearTimeout: (handle) => clock.clearTimeout(handle),
      setInterval: (fn, ms): TimerHandle => clock.setInterval(onHost(fn), ms),
      clearInterval: (handle) => clock.clearInterval(handle),
      sleep: (ms) => clock.sleep(ms),
    };
  }

  /** Stops carrying hosts (the world is closing): the async hooks come off. */
  dispose(): void {
    if (!this.active) return;
    this.active = false;
    if (isFakeTimersClock(this.clock)) this.clock.bindTimers(undefined);
    if (--carrying === 0) this.store.disable();
  }

  private activate(): void {
    this.active = true;
    carrying++;
    // fake-timers' callbacks run from the clock's loop, outside any async context: bind each one
    // to the host that scheduled it, as node's own timers would carry it.
    if (isFakeTimersClock(this.clock)) {
      this.clock.bindTimers((fn) => {
        const host = this.store.getStore();
        return host === undefined ? fn : (...args) => this.store.run(host, () => fn(...args));
      });
    }
  }
}
