/** One event on the agenda. `index` is its place in the heap, -1 once it has fired or was cancelled. */
export interface Agendum {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  index: number;
}

/**
 * The simulated network's own events (packet arrivals, TCP and NAT timers): a min-heap by due time,
 * then by the order they were scheduled. A fake-timers timer costs a handle object with five
 * closures and a map entry; an agendum is one small object, and cancelling it is a heap removal.
 */
export class Agenda {
  private readonly heap: Agendum[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  schedule(at: number, fn: () => void): Agendum {
    const a: Agendum = { at, seq: this.seq++, fn, index: this.heap.length };
    this.heap.push(a);
    this.up(a.index);
    return a;
  }

  cancel(a: Agendum): void {
    const i = a.index;
    if (i < 0 || this.heap[i] !== a) return;
    a.index = -1;
    const last = this.heap.pop()!;
    if (last === a) return;
    this.heap[i] = last;
    last.index = i;
    this.down(i);
    this.up(last.index);
  }

  /** The sequence number the next event scheduled will get. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Sequence number of the earliest event. */
  peekSeq(): number | undefined {
    return this.heap[0]?.seq;
  }

  /** Due time of the earliest event. */
  peekAt(): number | undefined {
    return this.heap[0]?.at;
  }

  /** Takes the earliest event off the agenda. */
  shift(): Agendum | undefined {
    const top = this.heap[0];
    if (top) this.cancel(top);
    return top;
  }

  private before(a: Agendum, b: Agendum): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    const a = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(a, h[p]!)) break;
      h[i] = h[p]!;
      h[i]!.index = i;
      i = p;
    }
    h[i] = a;
    a.index = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const a = h[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && this.before(h[r]!, h[l]!) ? r : l;
      if (!this.before(h[c]!, a)) break;
      h[i] = h[c]!;
      h[i]!.index = i;
      i = c;
    }
    h[i] = a;
    a.index = i;
  }
}
