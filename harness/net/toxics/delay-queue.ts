import type { Clock, TimerHandle } from '../../clock/clock.ts';

/**
 * A FIFO that releases each item at its due time on the clock, never before an item queued
 * earlier (Toxiproxy's toxics never reorder a direction). One timer for the head item only.
 */
export class DelayQueue<T> {
  private readonly items: { item: T; due: number }[] = [];
  private lastDue = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle | undefined;
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

  /** Drops everything. */
  cancel(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.cancel();
    this.items.length = 0;
    this.held = 0;
  }

  private arm(): void {
    const head = this.items[0];
    if (!head) return;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, head.due - this.clock.now()));
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.clock.now();
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
