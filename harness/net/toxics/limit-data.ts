import { only, type StageOutput, type ToxicType } from '../toxic.ts';

export interface LimitDataAttributes {
  bytes: number;
}

/**
 * Bytes already passed, per toxic per direction per connection. Keyed by the stage's output: it
 * belongs to the toxic's slot in the connection's pipeline and outlives the stages an update
 * swaps in, so the budget counts from the start of the connection, as Toxiproxy's stub state does.
 */
const passed = new WeakMap<StageOutput, number>();

/**
 * Passes `bytes` bytes in this direction (the last chunk truncated), then closes the direction. The
 * close travels through the toxics after this one, like Toxiproxy's stub.Close(), so bytes a later
 * toxic still holds (latency) arrive before it.
 */
export const limitData: ToxicType<LimitDataAttributes> = {
  type: 'limit_data',
  description: 'close the connection after bytes bytes',
  attributes: { bytes: { kind: 'number', default: 0, min: 0, integer: true, unit: 'bytes' } },
  attach({ attributes, stream, outputs }) {
    const out = outputs[stream];
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      out.end('fin');
    };
    return only(stream, {
      data: (chunk) => {
        if (closed) return;
        const left = attributes.bytes - (passed.get(out) ?? 0);
        const piece = chunk.data.length > left ? chunk.data.subarray(0, Math.max(0, left)) : chunk.data;
        if (piece.length > 0) {
          passed.set(out, (passed.get(out) ?? 0) + piece.length);
          out.data({ data: piece, at: chunk.at });
        }
        if (left - piece.length <= 0) close();
      },
      end: (kind) => {
        if (closed) return;
        closed = true;
        out.end(kind);
      },
      detach: () => {},
      dispose: () => {},
    });
  },
};
