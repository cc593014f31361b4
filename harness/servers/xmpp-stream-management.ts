import type { Clock, TimerHandle } from '../clock/clock.ts';
import type { Element } from '@xmpp/xml';

/** XEP-0198's counters are unsigned 32-bit and wrap (§4 "h" attribute). */
const WRAP = 2 ** 32;

/**
 * One stream-managed session's server half (XEP-0198): how many stanzas it handled from the
 * client (h), and the stanzas it sent that the client has not acknowledged yet, kept for a resume.
 */
export class SmSession {
  /** Stanzas received from the client. */
  inbound = 0;
  /** Stanzas sent to the client, acknowledged or not. */
  private outbound = 0;
  private readonly unacked: Element[] = [];

  constructor(
    readonly id: string,
    readonly user: string,
  ) {}

  received(): void {
    this.inbound = (this.inbound + 1) % WRAP;
  }

  sent(stanza: Element): void {
    this.outbound = (this.outbound + 1) % WRAP;
    this.unacked.push(stanza);
  }

  /** The client says it handled `h` of our stanzas: forget those. A bad or backwards h is ignored. */
  acked(h: number): void {
    if (!Number.isInteger(h) || h < 0) return;
    const newlyAcked = (h - (this.outbound - this.unacked.length) + WRAP) % WRAP;
    if (newlyAcked <= this.unacked.length) this.unacked.splice(0, newlyAcked);
  }

  /** On a resume: drops what the client says it handled and hands back the rest to send again. */
  resend(h: number): Element[] {
    this.acked(h);
    const again = this.unacked.splice(0);
    this.outbound = (this.outbound - again.length + WRAP) % WRAP;
    return again;
  }

  get pending(): number {
    return this.unacked.length;
  }
}

/**
 * Sessions whose connection was lost without a clean close, kept for `timeoutMs` under their
 * XEP-0198 id so that a client can resume them (§5); after that they are gone, and so is what was
 * queued for them.
 */
export class SmHibernation<T> {
  private readonly kept = new Map<string, { value: T; timer: TimerHandle }>();

  constructor(
    private readonly clock: Clock,
    readonly timeoutMs: number,
  ) {}

  keep(id: string, value: T, expired: (value: T) => void): void {
    this.take(id);
    const timer = this.clock.setTimeout(() => {
      this.kept.delete(id);
      expired(value);
    }, this.timeoutMs);
    this.kept.set(id, { value, timer });
  }

  /** What is kept under `id`, if it still is; it is no longer kept after this. */
  take(id: string): T | undefined {
    const kept = this.kept.get(id);
    if (!kept) return undefined;
    this.clock.clearTimeout(kept.timer);
    this.kept.delete(id);
    return kept.value;
  }

  /** Forgets everything at once (the server process ended). */
  clear(): void {
    for (const { timer } of this.kept.values()) this.clock.clearTimeout(timer);
    this.kept.clear();
  }
}
