/**
 * At most `size` items out at a time; the rest wait, in order, and go out as earlier ones finish.
 * mqtt.js has no send window of its own (it ignores the broker's Receive Maximum), so its
 * publishers keep one.
 */
export class SendWindow<T> {
  private out = 0;
  private readonly waiting: T[] = [];

  /** `start` sends one item; `done()` must be called once it is finished (acked or failed). */
  constructor(
    private readonly size: number,
    private readonly start: (item: T) => void,
  ) {}

  push(item: T): void {
    this.waiting.push(item);
    this.pump();
  }

  /** One item that was out is finished: the next waiting one may go. */
  done(): void {
    this.out--;
    this.pump();
  }

  private pump(): void {
    while (this.out < this.size && this.waiting.length > 0) {
      this.out++;
      this.start(this.waiting.shift()!);
    }
  }
}
