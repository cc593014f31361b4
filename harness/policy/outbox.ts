import * as v from 'valibot';
import { count, positiveDuration, strict, word } from '../schema/kit.ts';
import type { Clock, TimerHandle } from '../clock/clock.ts';
import type { Guarantee } from '../trace/events.ts';
import { formatMs, type Duration } from '../util/duration.ts';
import { oneOf, optionError, positiveMs, rejectUnknownKeys, tryCount } from './options.ts';

export interface OutboxOptions {
  /**
   * Default 'at-least-once'. at-most-once forgets a message once written; at-least-once keeps it
   * until acked and writes it again after a reconnect or resendAfter; exactly-once behaves like
   * at-least-once here: its stable ids let the receiver drop duplicates (see Deduper).
   */
  guarantee?: Guarantee;
  /** Message ids are `${idPrefix}-${n}`, n from 1. Default 'm'; give each client its own. */
  idPrefix?: string;
  /**
   * The retry period. An unacked message is written again this long after its last write, and a
   * message waiting for an open connection counts one retry per period. Default '10s'.
   */
  resendAfter?: Duration;
  /**
   * Retries before a message fails: it fails one period after its last retry, so with no
   * reconnect in between resendAfter x (maxRetries + 1) after send. Default Infinity.
   * The seed articles' WebSocket client: resendAfter '2s', maxRetries 10.
   */
  maxRetries?: number;
}

/** Guarantees by name, for schemas: the words a scenario may write. */
export const guaranteeSchema = word(['at-most-once', 'at-least-once', 'exactly-once'], 'a delivery guarantee') satisfies v.GenericSchema<Guarantee>;

/** An outbox as a scenario writes it (the id prefix is the client's name, never the user's). */
export const outboxOptionsSchema = strict(
  { guarantee: v.optional(guaranteeSchema), resendAfter: v.optional(positiveDuration), maxRetries: v.optional(count('retries')) },
  'an outbox',
) satisfies v.GenericSchema<Omit<OutboxOptions, 'idPrefix'>>;

export interface ResolvedOutboxOptions {
  guarantee: Guarantee;
  idPrefix: string;
  resendAfterMs: number;
  maxRetries: number;
}

export interface OutboxMessage<B> {
  readonly id: string;
  readonly body: B;
  /** 1 for the first write, 2.. for writes of the same message again (MQTT's DUP flag). */
  readonly attempt: number;
}

export interface OutboxHooks<B> {
  /** Put one message on the connection; false when it could not (it stays queued for the next send, retry or opened()). */
  write(message: OutboxMessage<B>): boolean;
  onAcked?(id: string): void;
  onFailed?(id: string, reason: string): void;
}

const KEYS = ['guarantee', 'idPrefix', 'resendAfter', 'maxRetries'] as const;
const GUARANTEES: readonly Guarantee[] = ['at-most-once', 'at-least-once', 'exactly-once'];

export function resolveOutboxOptions(options: OutboxOptions = {}, where = 'outbox'): ResolvedOutboxOptions {
  rejectUnknownKeys(options, KEYS, where);
  const idPrefix = options.idPrefix ?? 'm';
  if (typeof idPrefix !== 'string' || idPrefix === '') throw optionError(where, 'idPrefix', `must be a non-empty string such as the client's name (got ${JSON.stringify(idPrefix)})`);
  return {
    guarantee: oneOf(options.guarantee ?? 'at-least-once', GUARANTEES, where, 'guarantee'),
    idPrefix,
    resendAfterMs: positiveMs(options.resendAfter ?? '10s', where, 'resendAfter'),
    maxRetries: tryCount(options.maxRetries ?? Number.POSITIVE_INFINITY, where, 'maxRetries'),
  };
}

interface Entry<B> {
  id: string;
  body: B;
  writes: number;
  /** Written on the current connection (cleared when it closes). */
  written: boolean;
  retries: number;
  /** When the next retry is due; undefined when retries can neither resend nor fail it. */
  dueAt: number | undefined;
}

/**
 * The sender's side of a delivery guarantee: queues while the connection is not open, writes in
 * send order, and (unless at-most-once) keeps messages until acked. One timer serves every
 * message: it is armed for the earliest retry and, since every retry is due resendAfter after
 * something that happened now or earlier, a later message never needs an earlier timer.
 */
export class Outbox<B = unknown> {
  readonly options: ResolvedOutboxOptions;
  /** Send order; Map keeps it through deletions. */
  private readonly entries = new Map<string, Entry<B>>();
  private sequence = 0;
  private open = false;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    options: OutboxOptions,
    private readonly hooks: OutboxHooks<B>,
  ) {
    this.options = resolveOutboxOptions(options);
  }

  /** Messages not yet written (at-most-once) or not yet acked. */
  get pending(): number {
    return this.entries.size;
  }

  /** Queues `body` and writes it at once when the connection is open. Returns its id. */
  send(body: B): string {
    const id = `${this.options.idPrefix}-${++this.sequence}`;
    this.entries.set(id, { id, body, writes: 0, written: false, retries: 0, dueAt: this.retryAt() });
    if (this.open) this.flush();
    this.armTimer();
    return id;
  }

  /** The connection is open: write everything queued or unacked, in send order. */
  opened(): void {
    this.open = true;
    this.flush();
  }

  /** The connection is gone: what was written on it and is not acked must be written again. */
  closed(): void {
    this.open = false;
    for (const entry of this.entries.values()) entry.written = false;
  }

  /** The receiver acknowledged `id`. False for ids not pending (a duplicate ack after a resend). */
  ack(id: string): boolean {
    if (!this.entries.delete(id)) return false;
    this.hooks.onAcked?.(id);
    return true;
  }

  /** The client stops for good: every pending message fails with `reason`. */
  dispose(reason = 'client stopped'): void {
    this.open = false;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const id of [...this.entries.keys()]) this.fail(id, reason);
  }

  private retryAt(): number | undefined {
    const { guarantee, maxRetries, resendAfterMs } = this.options;
    const useful = guarantee !== 'at-most-once' || maxRetries !== Number.POSITIVE_INFINITY;
    return useful ? this.clock.now() + resendAfterMs : undefined;
  }

  /** Writes unwritten messages in order, stopping at the first the connection refuses. */
  private flush(): void {
    for (const entry of this.entries.values()) {
      if (!this.open) return;
      if (!entry.written && !this.write(entry)) return;
    }
  }

  private write(entry: Entry<B>): boolean {
    // Marked before the hook runs: the hook may report a close (which clears the mark) or an ack.
    entry.written = true;
    entry.writes++;
    if (!this.hooks.write({ id: entry.id, body: entry.body, attempt: entry.writes })) {
      entry.written = false;
      entry.writes--;
      return false;
    }
    if (this.options.guarantee === 'at-most-once') this.entries.delete(entry.id);
    else entry.dueAt = this.clock.now() + this.options.resendAfterMs;
    return true;
  }

  private fail(id: string, reason: string): void {
    this.entries.delete(id);
    this.hooks.onFailed?.(id, reason);
  }

  private armTimer(): void {
    if (this.timer !== undefined) return;
    let at = Number.POSITIVE_INFINITY;
    for (const entry of this.entries.values()) if (entry.dueAt !== undefined && entry.dueAt < at) at = entry.dueAt;
    if (at !== Number.POSITIVE_INFINITY) this.timer = this.clock.setTimeout(this.fire, Math.max(0, at - this.clock.now()));
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = this.clock.now();
    const { maxRetries, resendAfterMs } = this.options;
    for (const entry of [...this.entries.values()]) {
      if (entry.dueAt === undefined || entry.dueAt > now) continue;
      if (entry.retries >= maxRetries) {
        const what = entry.writes > 0 ? 'never acked' : 'never written: the connection was not open';
        this.fail(entry.id, `gave up after ${entry.retries} retries every ${formatMs(resendAfterMs)}: ${what}`);
        continue;
      }
      entry.retries++;
      entry.dueAt = now + resendAfterMs;
      entry.written = false;
    }
    if (this.open) this.flush();
    this.armTimer();
  };
}
