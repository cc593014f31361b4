import type { Clock, TimerHandle } from '../../clock/clock.ts';

/**
 * A FIFO that releases each item at its due time on the clock, never before an item queued
 * earlier (Toxiproxy's toxics never reorder a direction). One timer for the head item only.
 */
export class DelayQueue<T> {
  private readonly items: { item: T; due: number }[] = [];
  private lastDue = Number.NEGATIVE_INFINITY;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly release: (item: T) => void,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** Queues `item` for `due` (or for just after the item before it, whichever is later). */
  push(item: T, due: number): void {
    this.lastDue = Math.max(due, this.lastDue);
    this.items.push({ item, due: this.lastDue });
    if (this.items.length === 1) this.arm();
  }

  /** The due time the next pushed item would get at the earliest. */
  get tail(): number {
    return this.lastDue;
  }

  /** Releases everything now, in order (a toxic leaving a live connection hands on what it holds). */
  flush(): void {
    this.cancel();
    while (this.items.length > 0) this.release(this.items.shift()!.item);
  }

  /** Drops everything. */
  cancel(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.cancel();
    this.items.length = 0;
  }

  private arm(): void {
    const head = this.items[0];
    if (!head) return;
    this.timer = this.clock.setTimeout(() => this.fire(), Math.max(0, head.due - this.clock.now()));
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.clock.now();
    while (this.items.length > 0 && this.items[0]!.due <= now) this.release(this.items.shift()!.item);
    this.arm();
  }
}

/** Either bytes or the end of the direction, as they travel through a delaying toxic. */
export type Delivery = { chunk: import('../toxic.ts').Chunk } | { end: import('../toxic.ts').EndKind };

export function deliverTo(out: import('../toxic.ts').StageOutput): (d: Delivery) => void {
  return (d) => ('chunk' in d ? out.data(d.chunk) : out.end(d.end));
}
