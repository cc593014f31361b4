import { only, type ToxicType } from '../toxic.ts';
import { DelayQueue, deliverTo, deliveryBytes, type Delivery } from './delay-queue.ts';

export interface BandwidthAttributes {
  rate: number;
}

/** Slice Toxiproxy sends per tick: rate*100 bytes every 100 ms. */
const SLICE_MS = 100;

/**
 * Limits a direction to `rate` KB/s (1 KB = 1000 bytes, as Toxiproxy counts), sending at most
 * rate*100 bytes per 100 ms. rate 0 stalls the direction: nothing passes until the toxic goes
 * (users rely on that as a half-open hack, Toxiproxy #210).
 */
export const bandwidth: ToxicType<BandwidthAttributes> = {
  type: 'bandwidth',
  description: 'limit throughput to rate KB/s',
  attributes: { rate: { kind: 'number', default: 0, min: 0, integer: true, unit: 'KB/s' } },
  attach({ clock, attributes, stream, outputs }) {
    const queue = new DelayQueue<Delivery>(clock, deliverTo(outputs[stream]), deliveryBytes);
    const bytesPerMs = attributes.rate; // KB/s == bytes/ms
    // rate 0: everything waits until the toxic goes, and a close waits behind the data (Toxiproxy's
    // loop never finishes the chunk it is on); a close with nothing stalled passes.
    const stalled: Delivery[] = [];
    let stalledBytes = 0;
    return only(stream, {
      data: ({ data, at }) => {
        if (bytesPerMs <= 0) {
          stalled.push({ chunk: { data, at } });
          stalledBytes += data.length;
          return;
        }
        const slice = Math.max(1, Math.floor(bytesPerMs * SLICE_MS));
        let start = Math.max(clock.now(), queue.tail);
        for (let offset = 0; offset < data.length; offset += slice) {
          const piece = data.subarray(offset, offset + slice);
          start += piece.length / bytesPerMs;
          queue.push({ chunk: { data: piece, at } }, start);
        }
      },
      end: (kind) => {
        if (stalled.length > 0) stalled.push({ end: kind });
        else queue.push({ end: kind }, clock.now());
      },
      detach: () => {
        queue.flush();
        stalledBytes = 0;
        for (const d of stalled.splice(0)) deliverTo(outputs[stream])(d);
      },
      dispose: () => queue.dispose(),
      buffered: () => queue.bytes + stalledBytes,
    });
  },
};
