import type { Rng } from '../../util/rng.ts';
import { MAX_TIMER_MS, only, type ToxicType } from '../toxic.ts';
import { DelayQueue, deliverTo, deliveryBytes, type Delivery } from './delay-queue.ts';

export interface SlicerAttributes {
  average_size: number;
  size_variation: number;
  delay: number;
}

/**
 * Splits each chunk into pieces of about average_size ± size_variation bytes, sent `delay`
 * MICROseconds apart (Toxiproxy's unit). The split halves recursively around the middle, as
 * Toxiproxy's does, with the offsets drawn from the seeded stream.
 */
export const slicer: ToxicType<SlicerAttributes> = {
  type: 'slicer',
  description: 'slice data into pieces of average_size ± size_variation bytes, delay µs apart',
  attributes: {
    average_size: { kind: 'number', default: 0, min: 0, integer: true, unit: 'bytes', goType: 'int' },
    size_variation: { kind: 'number', default: 0, min: 0, integer: true, unit: 'bytes', goType: 'int' },
    delay: { kind: 'number', default: 0, min: 0, max: MAX_TIMER_MS * 1000, integer: true, unit: 'µs', goType: 'int' },
  },
  attach({ clock, rng, attributes, stream, outputs }) {
    const queue = new DelayQueue<Delivery>(clock, deliverTo(outputs[stream]), deliveryBytes);
    const gapMs = attributes.delay / 1000;
    // Toxiproxy waits `delay` after every piece, the last one included: the next chunk's first
    // piece goes no sooner than that.
    let free = Number.NEGATIVE_INFINITY;
    return only(stream, {
      data: ({ data, at }) => {
        let due = Math.max(clock.now(), free);
        for (const [from, to] of sliceBounds(0, data.length, attributes, rng)) {
          queue.push({ chunk: { data: data.subarray(from, to), at } }, due);
          due += gapMs;
        }
        free = due;
      },
      end: (kind) => queue.push({ end: kind }, clock.now()),
      detach: () => queue.flush(),
      dispose: () => queue.dispose(),
      buffered: () => queue.bytes,
    });
  },
};

function sliceBounds(start: number, end: number, a: SlicerAttributes, rng: Rng): [number, number][] {
  if (a.average_size <= 0 || end - start - a.average_size <= a.size_variation) return [[start, end]];
  const variation = a.size_variation > 0 ? rng.int(-a.size_variation, a.size_variation - 1) : 0;
  const mid = Math.min(end - 1, Math.max(start + 1, start + Math.floor((end - start) / 2) + variation));
  return [...sliceBounds(start, mid, a, rng), ...sliceBounds(mid, end, a, rng)];
}
