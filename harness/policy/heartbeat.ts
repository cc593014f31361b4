import * as v from 'valibot';
import { positiveDuration, strict, word } from '../schema/kit.ts';
import type { Clock, TimerHandle } from '../clock/clock.ts';
import { formatMs, type Duration } from '../util/duration.ts';
import { oneOf, positiveMs, rejectUnknownKeys } from './options.ts';

/**
 * Which traffic makes a heartbeat unnecessary. 'received': only inbound frames, so a link that
 * swallows everything is declared dead within interval + timeout of the last frame received.
 * 'any': outbound frames count too (fewer heartbeats while the app sends), but a client that keeps
 * sending into a dead link then relies on its acks, not the heartbeat, to notice.
 */
export type IdleBasis = 'received' | 'any';

export interface HeartbeatOptions {
  /** H: send a heartbeat after this long without traffic. Default '3m' (under a 5-minute carrier NAT). */
  interval?: Duration;
  /** T: a heartbeat not answered within this long declares the link dead. Default '10s'. */
  timeout?: Duration;
  /** Default 'received'. */
  idleBasis?: IdleBasis;
}

/** What a scenario may write for a heartbeat; checked before the run. */
export const heartbeatOptionsSchema = strict(
  { interval: v.optional(positiveDuration), timeout: v.optional(positiveDuration), idleBasis: v.optional(word(['received', 'any'], 'an idle basis')) },
  'a heartbeat',
) satisfies v.GenericSchema<HeartbeatOptions>;

export interface ResolvedHeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
  idleBasis: IdleBasis;
}

export interface HeartbeatHooks {
  /** Write one heartbeat frame. */
  send(): void;
  /** The link is dead; the heartbeat has already stopped itself. */
  dead(reason: string): void;
}

export interface HeartbeatStats {
  /** Heartbeats sent since construction. */
  sent: number;
  /** Replies matched to a heartbeat. */
  replies: number;
}

const KEYS = ['interval', 'timeout', 'idleBasis'] as const;

export function resolveHeartbeatOptions(options: HeartbeatOptions = {}, where = 'heartbeat'): ResolvedHeartbeatOptions {
  rejectUnknownKeys(options, KEYS, where);
  return {
    intervalMs: positiveMs(options.interval ?? '3m', where, 'interval'),
    timeoutMs: positiveMs(options.timeout ?? '10s', where, 'timeout'),
    idleBasis: oneOf(options.idleBasis ?? 'received', ['received', 'any'], where, 'idleBasis'),
  };
}

/**
 * Client-side heartbeat: after H without traffic send a heartbeat, and declare the link dead when
 * T passes without a reply. Any inbound frame proves the link alive, so it also counts as a reply.
 *
 * It runs for days of virtual time with a frame every few milliseconds, so frames only move a
 * deadline; the single timer re-arms itself for the moved deadline when it fires (one timer per
 * deadline, never one per frame).
 */
export class Heartbeat {
  readonly options: ResolvedHeartbeatOptions;
  readonly stats: HeartbeatStats = { sent: 0, replies: 0 };
  private running = false;
  /** Time of the last frame that counts as traffic (see IdleBasis), or of start(). */
  private lastActivity = 0;
  /** Set while a heartbeat waits for proof of life; the link is dead when it passes. */
  private replyDeadline: number | undefined;
  /** When the unanswered heartbeat went out, for the reply's round-trip time. */
  private heartbeatSentAt: number | undefined;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    options: HeartbeatOptions,
    private readonly hooks: HeartbeatHooks,
  ) {
    this.options = resolveHeartbeatOptions(options);
  }

  /** The connection opened: the idle clock starts now. Restarts a running heartbeat. */
  start(): void {
    this.stop();
    this.running = true;
    this.lastActivity = this.clock.now();
    this.arm(this.due());
  }

  /** The connection closed: cancels every timer. */
  stop(): void {
    this.running = false;
    this.replyDeadline = undefined;
    this.heartbeatSentAt = undefined;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Any inbound frame. */
  noteReceived(): void {
    if (!this.running) return;
    const answered = this.replyDeadline !== undefined;
    this.lastActivity = this.clock.now();
    this.replyDeadline = undefined;
    // Any other frame only moves the deadline later, and the timer catches up when it fires. A
    // heartbeat's proof of life moves the timer from its reply deadline to the next heartbeat now
    // (once per heartbeat): an idle link's timer then fires once per heartbeat, not twice.
    if (answered) this.arm(this.due());
  }

  /** Any outbound frame; counts as traffic only with idleBasis 'any'. */
  noteSent(): void {
    if (this.running && this.options.idleBasis === 'any') this.lastActivity = this.clock.now();
  }

  /**
   * A heartbeat reply (pong). Implies noteReceived, and may come before or after it.
   * Returns the round-trip time of the heartbeat it answers, or undefined when none was waiting.
   */
  noteReply(): number | undefined {
    const sentAt = this.heartbeatSentAt;
    this.heartbeatSentAt = undefined;
    this.noteReceived();
    if (sentAt === undefined) return undefined;
    this.stats.replies++;
    return this.clock.now() - sentAt;
  }

  private due(): number {
    return this.replyDeadline ?? this.lastActivity + this.options.intervalMs;
  }

  private arm(at: number): void {
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(this.fire, Math.max(0, at - this.clock.now()));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = this.clock.now();
    if (this.replyDeadline !== undefined) {
      if (now >= this.replyDeadline) {
        this.stop();
        this.hooks.dead(`heartbeat timeout: no reply within ${formatMs(this.options.timeoutMs)}`);
        return;
      }
    } else if (now >= this.lastActivity + this.options.intervalMs) {
      // Deadline first: a reply on an in-memory link can arrive inside send().
      this.replyDeadline = now + this.options.timeoutMs;
      this.heartbeatSentAt = now;
      this.stats.sent++;
      this.hooks.send();
      if (!this.running) return;
    }
    this.arm(this.due());
  };
}
