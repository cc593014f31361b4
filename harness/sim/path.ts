import type { Clock } from '../clock/clock.ts';
import type { Rng } from '../util/rng.ts';
import type { Segment } from './segment.ts';

/** How a path treats packets right now. Changed by path faults; read at each send. */
export interface PathConditions {
  /** One-way delay, ms. */
  latencyMs: number;
  /** Uniform extra delay in [0, jitterMs), ms; packets still arrive in the order they were sent. */
  jitterMs: number;
  /** Probability in [0, 1] that a packet is lost, drawn from the world's seeded stream. */
  loss: number;
  /** A partition: every packet is dropped without a trace. */
  down: boolean;
  /**
   * Link rate in KB/s (1 KB = 1000 bytes, as Toxiproxy's bandwidth toxic counts, so bytes per ms);
   * 0 is unlimited. A packet takes its wire size / rate to serialise, queued behind the ones before it.
   */
  bandwidth: number;
}

export const CLEAR_PATH: Readonly<PathConditions> = { latencyMs: 0, jitterMs: 0, loss: 0, down: false, bandwidth: 0 };

/** IPv4 and TCP headers without options, RFC 791 and RFC 793: 20 bytes each, on the wire with every segment. */
const HEADER_BYTES = 40;

/**
 * One direction between two nodes (hosts, NATs). Each packet's arrival is a timer on the world's clock, so a
 * packet sent at t with 80 ms latency arrives at exactly t + 80 ms of virtual time; with zero
 * latency it arrives at the same instant (the clock drains immediates before it moves), after
 * the packets sent before it.
 */
export class Path {
  readonly conditions: PathConditions = { ...CLEAR_PATH };
  sent = 0;
  dropped = 0;
  private lastArrival = 0;
  /** When the link finishes serialising what it was given (with a bandwidth). */
  private linkFreeAt = 0;

  constructor(
    readonly name: string,
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly arrive: (seg: Segment) => void,
  ) {}

  send(seg: Segment): void {
    this.sent++;
    const { latencyMs, jitterMs, loss, down, bandwidth } = this.conditions;
    if (down || (loss > 0 && this.rng.next() < loss)) {
      this.dropped++;
      return;
    }
    const now = this.clock.now();
    let sent = now;
    if (bandwidth > 0) {
      this.linkFreeAt = Math.max(now, this.linkFreeAt) + (HEADER_BYTES + (seg.data?.length ?? 0)) / bandwidth;
      sent = Math.ceil(this.linkFreeAt);
    }
    const delay = latencyMs + (jitterMs > 0 ? Math.floor(this.rng.next() * jitterMs) : 0);
    const at = Math.max(sent + delay, this.lastArrival);
    this.lastArrival = at;
    // With no delay the packet must arrive even while nobody moves the clock (a server's start()
    // awaited with time standing still talks to itself over loopback): an immediate does that.
    if (at === now) setImmediate(() => this.arrive(seg));
    else this.clock.setTimeout(() => this.arrive(seg), at - now);
  }
}
