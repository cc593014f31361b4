import type { Guarantee } from '../trace/events.ts';
import type { TraceEvent } from '../trace/trace.ts';
import { formatMs } from '../util/duration.ts';
import { errored, judge, type Verdict } from './verdict.ts';

/**
 * Counts in the manner of Jepsen's total-queue checker, keyed by message id. A resend with the same
 * id is one attempt. Always delivered = ok + duplicated + unexpected.
 */
export interface DeliveryCounts {
  /** Distinct ids in message.sent. */
  attempted: number;
  /** Distinct ids in message.acked. */
  acknowledged: number;
  /** message.delivered events, repeats included. */
  delivered: number;
  /** Distinct sent ids delivered at least once. */
  ok: number;
  /** Acknowledged to the sender, never delivered. */
  lost: number;
  /** Deliveries of a sent id beyond its first. */
  duplicated: number;
  /** Deliveries of ids never sent (each delivery counts). */
  unexpected: number;
  /** Delivered although never acknowledged (the sender could not know). */
  recovered: number;
  /** Distinct sent ids the sender reported failed (message.failed) and that were never delivered. */
  failed: number;
  /**
   * Sent, never delivered, never acknowledged, never reported failed: still in flight when the run
   * ended. The run's horizon is the drain: the faults are over by then, so a client that promises
   * at-least-once has had its chance; one that left messages here silently dropped them (or stalled).
   */
  unresolved: number;
  /**
   * Messages whose first delivery came after the first delivery of a message the same sender sent
   * later (send order = order of first message.sent per sender). Sends a b c delivered c a b: a and
   * b are reordered (2); delivered a c b: b is (1). A message held back counts once; one that jumps
   * ahead counts every message it overtook.
   */
  reordered: number;
}

type Count = keyof DeliveryCounts;

/** What each guarantee forbids. */
export const FORBIDDEN: Record<Guarantee, readonly Count[]> = {
  'at-most-once': ['duplicated', 'unexpected'],
  'at-least-once': ['lost', 'unresolved', 'unexpected'],
  'exactly-once': ['lost', 'unresolved', 'duplicated', 'unexpected'],
};

/** The ids behind the counts a reader follows into the trace, each in send order. */
export interface DeliveryIds {
  lost: string[];
  unresolved: string[];
  duplicated: string[];
}

/** Counts message.sent / message.acked / message.delivered events, in trace order. */
export function countDelivery(events: readonly TraceEvent[]): DeliveryCounts {
  return tally(events).counts;
}

/** One walk of the trace: the counts, the ids behind them and when each id was first sent. */
function tally(events: readonly TraceEvent[]): { counts: DeliveryCounts; ids: DeliveryIds; sentAt: ReadonlyMap<string, number> } {
  const withId = (type: string) => events.filter((e): e is TraceEvent & { id: string } => e.type === type && typeof e.id === 'string');
  const sent = new Map<string, { sender: string; position: number; t: number }>();
  const sentBy = new Map<string, number>();
  for (const e of withId('message.sent')) {
    if (sent.has(e.id)) continue; // a resend
    const position = sentBy.get(e.source) ?? 0;
    sent.set(e.id, { sender: e.source, position, t: e.t });
    sentBy.set(e.source, position + 1);
  }
  const acked = new Set(withId('message.acked').map((e) => e.id));
  const failedIds = new Set(withId('message.failed').map((e) => e.id));

  const deliveries = withId('message.delivered');
  const seen = new Set<string>();
  const duplicatedIds = new Set<string>();
  const latestDelivered = new Map<string, number>(); // sender -> highest send position delivered so far
  let duplicated = 0;
  let unexpected = 0;
  let reordered = 0;
  for (const { id } of deliveries) {
    const send = sent.get(id);
    if (!send) {
      unexpected++;
    } else if (seen.has(id)) {
      duplicated++;
      duplicatedIds.add(id);
    } else {
      seen.add(id);
      const latest = latestDelivered.get(send.sender) ?? -1;
      if (latest > send.position) reordered++;
      else latestDelivered.set(send.sender, send.position);
    }
  }
  // Send order; an id acknowledged but never sent goes last (it has no send time).
  const inSendOrder = (ids: Iterable<string>) => [...ids].sort((a, b) => (sent.get(a)?.t ?? Infinity) - (sent.get(b)?.t ?? Infinity));
  const ids: DeliveryIds = {
    lost: inSendOrder([...acked].filter((id) => !seen.has(id))),
    unresolved: [...sent.keys()].filter((id) => !seen.has(id) && !acked.has(id) && !failedIds.has(id)),
    duplicated: inSendOrder(duplicatedIds),
  };
  const counts: DeliveryCounts = {
    attempted: sent.size,
    acknowledged: acked.size,
    delivered: deliveries.length,
    ok: seen.size,
    lost: ids.lost.length,
    duplicated,
    unexpected,
    recovered: [...seen].filter((id) => !acked.has(id)).length,
    reordered,
    failed: [...failedIds].filter((id) => sent.has(id) && !seen.has(id)).length,
    unresolved: ids.unresolved.length,
  };
  return { counts, ids, sentAt: new Map([...sent].map(([id, { t }]) => [id, t])) };
}

export interface DeliveryOptions {
  guarantee: Guarantee;
  /** Also forbid reordering within each sender. */
  ordered?: boolean;
}

/**
 * Judges the counts against a guarantee: at-most-once forbids duplicates, at-least-once losses
 * (acknowledged or silently unresolved), exactly-once both.
 */
export function checkDelivery(events: readonly TraceEvent[], options: DeliveryOptions): Verdict {
  const check = 'delivery';
  const { counts, ids, sentAt } = tally(events);
  if (counts.attempted === 0) {
    return errored(check, 'no message.sent in the trace: nothing to judge; check the scenario sends messages', { ...counts });
  }
  const forbidden: Count[] = [...FORBIDDEN[options.guarantee], ...(options.ordered ? (['reordered'] as const) : [])];
  const broken = forbidden.filter((k) => counts[k] > 0);
  const promise = `${options.guarantee}${options.ordered ? ', ordered' : ''}`;
  const { ok, attempted, lost, duplicated, unexpected, reordered, recovered, unresolved } = counts;
  const examples = (['lost', 'unresolved', 'duplicated'] as const).map((k) => [k, firstOf(ids[k], sentAt)] as const);
  const named = examples.filter(([k, text]) => text && broken.includes(k)).map(([k, text]) => `; first ${k}: ${text}`);
  return judge(check, broken.length === 0, {
    summary:
      `${ok} of ${attempted} delivered (lost ${lost}, unresolved ${unresolved}, duplicated ${duplicated}, unexpected ${unexpected}, reordered ${reordered}, recovered ${recovered}): ` +
      (broken.length ? `${promise} broken by ${broken.map((k) => `${counts[k]} ${k}`).join(', ')}` : `${promise} holds`) +
      named.join(''),
    measured: { ...counts, firstLost: examples[0][1], firstUnresolved: examples[1][1], firstDuplicated: examples[2][1] },
    bound: { guarantee: options.guarantee, ordered: options.ordered ?? false, forbidden: forbidden.join(', ') },
  });
}

/** How many ids a verdict names per kind: where to start reading the trace, as Jepsen's checkers print. */
const EXAMPLES = 3;

/** "subject-7 sent at 1m10s, subject-8 sent at 1m11s and 4 more"; null for none. */
function firstOf(ids: readonly string[], sentAt: ReadonlyMap<string, number>): string | null {
  if (ids.length === 0) return null;
  const sentWhen = (id: string) => {
    const t = sentAt.get(id);
    return t === undefined ? `${id} (never sent)` : `${id} sent at ${formatMs(t)}`;
  };
  const more = ids.length - EXAMPLES;
  return `${ids.slice(0, EXAMPLES).map(sentWhen).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}
