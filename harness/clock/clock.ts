/**
 * The one time source of a flatline world. Clients, servers and toxics schedule on it; the same
 * code runs on the virtual clock (hours in seconds) and on the real clock (standalone proxy, real Toxiproxy).
 */
export type TimerHandle = { readonly __timer: unique symbol } | ReturnType<typeof globalThis.setTimeout> | number;

export interface Clock {
  readonly kind: 'virtual' | 'real';
  /** Milliseconds since the clock's epoch (virtual clocks start at a fixed date so traces are stable). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
}

/** Timer functions captured when flatline loads, before any fake clock is installed. */
export const realTimers = {
  setTimeout: globalThis.setTimeout.bind(globalThis),
  clearTimeout: globalThis.clearTimeout.bind(globalThis),
  setInterval: globalThis.setInterval.bind(globalThis),
  clearInterval: globalThis.clearInterval.bind(globalThis),
  setImmediate: globalThis.setImmediate.bind(globalThis),
  clearImmediate: globalThis.clearImmediate.bind(globalThis),
  dateNow: Date.now.bind(Date),
  performanceNow: performance.now.bind(performance),
};
