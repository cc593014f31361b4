import { durationMs, only, type ToxicType } from '../toxic.ts';
import { DelayQueue, deliverTo, type Delivery } from './delay-queue.ts';

export interface SlowCloseAttributes {
  delay: number;
}

/** Data passes untouched; only the close of this direction is held for `delay` ms. */
export const slowClose: ToxicType<SlowCloseAttributes> = {
  type: 'slow_close',
  description: 'delay the close of the connection by delay ms',
  attributes: { delay: durationMs(0) },
  attach({ clock, attributes, stream, outputs }) {
    const out = outputs[stream];
    const queue = new DelayQueue<Delivery>(clock, deliverTo(out));
    return only(stream, {
      data: (chunk) => out.data(chunk),
      end: (kind) => queue.push({ end: kind }, clock.now() + attributes.delay),
      detach: () => queue.flush(),
      dispose: () => queue.dispose(),
    });
  },
};
