import { countDelivery, type DeliveryCounts } from '../../checks/delivery.ts';
import type { RunResult } from '../../scenario/results.ts';

export interface DeliveryView {
  counts: DeliveryCounts;
  /** The guarantee a delivery check held the counts to; null when no check did. */
  guarantee: string | null;
  /** The counts that guarantee forbids (shown in red when above zero). */
  forbidden: string[];
}

const COUNT_KEYS: readonly (keyof DeliveryCounts)[] = ['attempted', 'acknowledged', 'delivered', 'ok', 'lost', 'unresolved', 'failed', 'duplicated', 'unexpected', 'recovered', 'reordered'];

/** The delivery verdict's counts, or the trace's own when no check judged them; null for a run without messages. */
export function buildDelivery(run: RunResult): DeliveryView | null {
  const verdict = run.verdicts.find((v) => v.check === 'delivery' && COUNT_KEYS.every((k) => typeof v.measured[k] === 'number'));
  if (verdict) {
    const counts = Object.fromEntries(COUNT_KEYS.map((k) => [k, verdict.measured[k]])) as unknown as DeliveryCounts;
    const forbidden = typeof verdict.bound?.forbidden === 'string' ? verdict.bound.forbidden.split(', ').filter(Boolean) : [];
    return { counts, guarantee: typeof verdict.bound?.guarantee === 'string' ? verdict.bound.guarantee : null, forbidden };
  }
  const counts = countDelivery(run.trace);
  return counts.attempted || counts.delivered ? { counts, guarantee: null, forbidden: [] } : null;
}
