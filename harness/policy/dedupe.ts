import { FlatlineError } from '../util/errors.ts';

export interface DeduperOptions {
  /**
   * Ids remembered per sender; beyond it the oldest first-seen id is forgotten, and a copy of it
   * arriving later counts as new. Default Infinity (exact, memory grows with the run).
   */
  capacity?: number;
}

/**
 * The receiver's half of exactly-once: at-least-once delivery plus this filter. Ids are only
 * unique per sender (every client numbers its own messages), so memory is kept per sender.
 */
export class Deduper {
  readonly capacity: number;
  /** Per sender, ids in the order first seen (a Set iterates in insertion order). */
  private readonly seen = new Map<string, Set<string>>();

  constructor(options: DeduperOptions = {}) {
    const capacity = options.capacity ?? Number.POSITIVE_INFINITY;
    if (!(capacity === Number.POSITIVE_INFINITY || (Number.isInteger(capacity) && capacity >= 1))) {
      throw new FlatlineError('FLATLINE_ERR_SERVER', `dedupe.capacity must be a whole number >= 1, or Infinity to remember every id (got ${capacity})`);
    }
    this.capacity = capacity;
  }

  /** True the first time `id` arrives from `sender` (deliver it), false for a duplicate (drop it, ack it again). */
  firstTime(sender: string, id: string): boolean {
    let ids = this.seen.get(sender);
    if (!ids) this.seen.set(sender, (ids = new Set()));
    if (ids.has(id)) return false;
    ids.add(id);
    if (ids.size > this.capacity) ids.delete(ids.values().next().value!);
    return true;
  }

  /** Ids remembered for `sender` (for memory checks). */
  remembered(sender: string): number {
    return this.seen.get(sender)?.size ?? 0;
  }
}
