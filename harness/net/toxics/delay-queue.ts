import { realTimers, type Clock, type TimerHandle } from '../../clock/clock.ts';

/**
 * Date.now()'s epoch at performance.now()'s resolution: the real clock below a millisecond. Taken
 * at the edge of a millisecond (Date.now() floors), so precise time is never behind Date.now().
 */
const PRECISE_EPOCH = (() => {
  const first = realTimers.dateNow();
  let now = first;
  while (now === first) now = realTimers.dateNow();
  return now - realTimers.performanceNow();
})();

/** The clock's time, below the millisecond on the real clock. */
export function preciseNow(clock: Clock): number {
  return clock.kind === 'real' ? Math.max(clock.now(), PRECISE_EPOCH + realTimers.performanceNow()) : clock.now();
}

/**
 * A FIFO that releases each item at its due time on the clock, never before an item queued
 * earlier (Toxiproxy's toxics never reorder a direction). One timer for the head item only. An
 * item already due when it is queued on an empty queue goes at once (latency 0 adds nothing, as
 * Toxiproxy's time.After(0) does not wait). On the real clock due times below a millisecond are
 * kept: the last stretch is waited out turn by turn of the event loop (setImmediate), so a slicer
 * 200 µs apart sends a slice every 200 µs, as Go's timers do, not five at each millisecond tick.
 * On the virtual clock time moves in whole milliseconds: items due within one arrive together.
 */
export class DelayQueue<T> {
  private readonly items: { item: T; due: number }[] = [];
  private lastDue = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle | undefined;
  private immediate: ReturnType<typeof setImmediate> | undefined;
  private held = 0;

  /** `sizeOf` tells the bytes an item holds, for `bytes`. */
  constructor(
    private readonly clock: Clock,
    private readonly release: (item: T) => void,
    private readonly sizeOf: (item: T) => number = () => 0,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** Bytes the queued items hold. */
  get bytes(): number {
    return this.held;
  }

  /** Queues `item` for `due` (or for just after the item before it, whichever is later). */
  push(item: T, due: number): void {
    this.lastDue = Math.max(due, this.lastDue);
    this.items.push({ item, due: this.lastDue });
    this.held += this.sizeOf(item);
    if (this.items.length === 1) this.arm();
  }

  /** The due time the next pushed item would get at the earliest. */
  get tail(): number {
    return this.lastDue;
  }

  /** Releases everything now, in order (a toxic leaving a live connection hands on what it holds). */
  flush(): void {
    this.cancel();
    while (this.items.length > 0) this.releaseHead();
  }

  /** Stops the timer; the items stay. */
  cancel(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = undefined;
  }

  dispose(): void {
    this.cancel();
    this.items.length = 0;
    this.held = 0;
  }

  private now(): number {
    return preciseNow(this.clock);
  }

  private arm(): void {
    const head = this.items[0];
    if (!head || this.timer !== undefined || this.immediate !== undefined) return;
    const wait = head.due - this.now();
    if (wait <= 0) this.fire();
    else if (this.clock.kind === 'virtual') this.timer = this.clock.setTimeout(() => this.fire(), Math.ceil(wait));
    else if (wait >= 1) this.timer = this.clock.setTimeout(() => this.fire(), Math.floor(wait));
    else this.immediate = realTimers.setImmediate(() => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    this.immediate = undefined;
    const now = this.now();
    while (this.items.length > 0 && this.items[0]!.due <= now) this.releaseHead();
    this.arm();
  }

  private releaseHead(): void {
    const { item } = this.items.shift()!;
    this.held -= this.sizeOf(item);
    this.release(item);
  }
}

/** Either bytes or the end of the direction, as they travel through a delaying toxic. */
export type Delivery = { chunk: import('../toxic.ts').Chunk } | { end: import('../toxic.ts').EndKind };

/** The bytes a Delivery carries. */
export function deliveryBytes(d: Delivery): number {
  return 'chunk' in d ? d.chunk.data.length : 0;
}

export function deliverTo(out: import('../toxic.ts').StageOutput): (d: Delivery) => void {
  return (d) => ('chunk' in d ? out.data(d.chunk) : out.end(d.end));
}
