/**
 * Bytes in order, as a list of chunks: appended at the back, consumed at the front, read at any
 * offset without copying more than the slice asked for. The send queue (bytes from snd.una on)
 * and the receive queue (bytes not yet read by the application) are both one.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  /** Offset into chunks[head] already consumed. */
  private offset = 0;
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Drops `n` bytes from the front. */
  drop(n: number): void {
    this.length -= n;
    while (n > 0) {
      const chunk = this.chunks[this.head]!;
      const left = chunk.length - this.offset;
      if (n < left) {
        this.offset += n;
        return;
      }
      n -= left;
      this.chunks[this.head++] = undefined as unknown as Buffer;
      this.offset = 0;
    }
    if (this.head > 64 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Up to `n` bytes starting `from` bytes after the front, without consuming them. */
  peek(from: number, n: number): Buffer {
    const parts: Buffer[] = [];
    let skip = from + this.offset;
    let want = Math.min(n, this.length - from);
    for (let i = this.head; i < this.chunks.length && want > 0; i++) {
      const chunk = this.chunks[i]!;
      if (skip >= chunk.length) {
        skip -= chunk.length;
        continue;
      }
      // A whole chunk goes as it is: a view per segment would be one more object for the GC.
      const part = skip === 0 && want >= chunk.length ? chunk : chunk.subarray(skip, skip + want);
      parts.push(part);
      want -= part.length;
      skip = 0;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Takes every byte from the front, as the chunks they arrived in. */
  shiftAll(): Buffer[] {
    const out: Buffer[] = [];
    for (let i = this.head; i < this.chunks.length; i++) {
      const chunk = this.chunks[i]!;
      out.push(i === this.head && this.offset > 0 ? chunk.subarray(this.offset) : chunk);
    }
    this.chunks = [];
    this.head = 0;
    this.offset = 0;
    this.length = 0;
    return out;
  }
}
