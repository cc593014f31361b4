import { durationMs, only, type ToxicType } from '../toxic.ts';
import { DelayQueue, deliverTo, deliveryBytes, type Delivery } from './delay-queue.ts';

export interface LatencyAttributes {
  latency: number;
  jitter: number;
}

/**
 * Delays each chunk by latency ± jitter ms, counted from when it was read; chunks never reorder.
 * Jitter is a whole number of ms, uniform in [-jitter, +jitter), as Toxiproxy draws it
 * (rand.Int63n(2*jitter) - jitter), but from the seeded stream. Whole milliseconds also keep
 * virtual times whole: one timer per chunk, and traces that read like Toxiproxy's.
 */
export const latency: ToxicType<LatencyAttributes> = {
  type: 'latency',
  description: 'delay every chunk by latency ± jitter ms',
  attributes: {
    latency: durationMs(0),
    jitter: durationMs(0),
  },
  attach({ clock, rng, attributes, stream, outputs }) {
    const queue = new DelayQueue<Delivery>(clock, deliverTo(outputs[stream]), deliveryBytes);
    const delay = () => attributes.latency + (attributes.jitter > 0 ? Math.floor(rng.uniform(-attributes.jitter, attributes.jitter)) : 0);
    return only(stream, {
      data: (chunk) => queue.push({ chunk }, chunk.at + delay()),
      end: (kind) => queue.push({ end: kind }, clock.now()),
      detach: () => queue.flush(),
      dispose: () => queue.dispose(),
      buffered: () => queue.bytes,
    });
  },
};
