import { Duplex } from 'node:stream';
import type { IoSource } from '../../harness/clock/io-tracker.ts';

/**
 * In-memory connections for simulator mode: pairs of Duplex ends that behave like the two ends of
 * a TCP connection. end() is a FIN (the peer sees 'end' and, like a net.Socket, closes its side
 * too); destroy() before end() is an RST (the peer gets an ECONNRESET error). Bytes cross on the
 * next tick. An end that is not read holds at most its high-water mark; the peer's next write then
 * waits for it to be read, as a full TCP window does. A PipeNetwork is an IoSource, so a virtual
 * clock's settle loop waits for bytes crossing (not for a write waiting on a reader).
 */
export class PipeNetwork implements IoSource {
  private inFlight = 0;
  private moved = 0;
  private readonly ends = new Set<MemoryEnd>();

  /** A connected pair of ends: what one writes, the other reads. */
  pair(): [Duplex, Duplex] {
    const a = new MemoryEnd(this);
    const b = new MemoryEnd(this);
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  busy(): boolean {
    return this.inFlight > 0;
  }

  progress(): number {
    return this.moved;
  }

  /** Ends not yet closed (for leak checks). */
  openEnds(): Duplex[] {
    return [...this.ends].filter((e) => !e.destroyed);
  }

  /** Runs `fn` on the next tick, counted as I/O in flight until then. */
  later(fn: () => void): void {
    this.inFlight++;
    process.nextTick(() => {
      this.inFlight--;
      this.moved++;
      fn();
    });
  }

  track(end: MemoryEnd): void {
    this.ends.add(end);
    end.once('close', () => {
      this.moved++;
      this.ends.delete(end);
    });
  }
}

class MemoryEnd extends Duplex {
  peer!: MemoryEnd;
  /** The peer's write that filled this end's read buffer: it completes when this end is read again (a full TCP window). */
  private blockedWrite: (() => void) | undefined;

  constructor(private readonly net: PipeNetwork) {
    super({ allowHalfOpen: false });
    net.track(this);
  }

  override _read(): void {
    const resume = this.blockedWrite;
    this.blockedWrite = undefined;
    resume?.();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.net.later(() => {
      const peer = this.peer;
      if (peer.destroyed || peer.readableEnded || peer.push(chunk)) callback();
      else peer.blockedWrite = () => callback();
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.net.later(() => {
      if (!this.peer.destroyed) this.peer.push(null);
      callback();
    });
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this._read(); // a write blocked on this end's buffer completes: its bytes are gone with it
    // Destroyed before its FIN went out: the peer sees a reset, as after a TCP RST.
    if (!this.writableFinished) {
      const peer = this.peer;
      this.net.later(() => {
        if (!peer.destroyed) peer.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      });
    }
    callback(error);
  }
}

/** A server end that echoes what it reads, like test/support/echo.ts over TCP. */
export function memoryEcho(end: Duplex): void {
  end.on('error', () => {});
  end.pipe(end);
}
