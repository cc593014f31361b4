import type { Duplex } from 'node:stream';
import type { Clock } from '../../harness/clock/clock.ts';

/** How an end learnt that its connection is gone: a FIN, or an RST (ECONNRESET). */
export type Closing = { at: number; how: 'fin' | 'reset' };

/**
 * One end of a test connection (a TCP socket or an in-memory end) that records what reaches it,
 * with the clock time of each event. The waiting methods only build promises; drive them with
 * `world.run` so virtual time moves while they wait.
 */
export class Client {
  /** Each chunk received, with the clock time it arrived. */
  readonly chunks: { at: number; text: string }[] = [];
  /** Error codes the end saw (ECONNRESET, EPIPE, ...). */
  readonly errors: string[] = [];
  /** Set when the peer's FIN or RST arrived. */
  closing: Closing | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly end: Duplex,
    private readonly clock: Clock,
  ) {
    end.on('data', (data: Buffer) => {
      this.chunks.push({ at: clock.now(), text: data.toString('latin1') });
      this.wake();
    });
    end.on('end', () => this.learn('fin'));
    end.on('error', (err: NodeJS.ErrnoException) => {
      this.errors.push(err.code ?? err.message);
      this.learn(err.code === 'ECONNRESET' ? 'reset' : 'fin');
    });
    end.on('close', () => this.learn('fin'));
  }

  /** Everything received so far. */
  get text(): string {
    return this.chunks.map((c) => c.text).join('');
  }

  /** Whether the end is still open (it has seen no FIN and no RST). */
  get open(): boolean {
    return this.closing === undefined;
  }

  send(text: string | Buffer): void {
    this.end.write(text);
  }

  /** Resolves with the clock time at which `text` has been received (in total, since the start). */
  receive(text: string): Promise<number> {
    return this.when(() => (this.text.includes(text) ? this.chunks.at(-1)!.at : undefined));
  }

  /** Resolves with the clock time at which `bytes` bytes have been received in total. */
  receiveBytes(bytes: number): Promise<number> {
    let total = 0;
    let seen = 0;
    return this.when(() => {
      for (; seen < this.chunks.length; seen++) {
        total += this.chunks[seen]!.text.length;
        if (total >= bytes) return this.chunks[seen]!.at;
      }
      return undefined;
    });
  }

  /** Resolves when the connection is closed from the other side: how and when. */
  closed(): Promise<Closing> {
    return this.when(() => this.closing);
  }

  /** Sends `text` and resolves with the round trip time until it comes back. */
  async echo(text: string): Promise<number> {
    const t0 = this.clock.now();
    const before = this.text.length;
    this.send(text);
    const at = await this.when(() => (this.text.length >= before + text.length ? this.chunks.at(-1)!.at : undefined));
    return at - t0;
  }

  private when<T>(check: () => T | undefined): Promise<T> {
    return new Promise((resolve) => {
      const waiter = () => {
        const value = check();
        if (value === undefined) return;
        this.waiters.delete(waiter);
        resolve(value);
      };
      this.waiters.add(waiter);
      waiter();
    });
  }

  private learn(how: 'fin' | 'reset'): void {
    this.closing ??= { at: this.clock.now(), how };
    this.wake();
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
