import { only, type ToxicType } from '../toxic.ts';

export interface LimitDataAttributes {
  bytes: number;
}

/** Passes `bytes` bytes in this direction (the last chunk truncated), then closes the connection. */
export const limitData: ToxicType<LimitDataAttributes> = {
  type: 'limit_data',
  description: 'close the connection after bytes bytes',
  attributes: { bytes: { kind: 'number', default: 0, min: 0, integer: true, unit: 'bytes' } },
  attach({ link, attributes, stream, outputs }) {
    const out = outputs[stream];
    let left = attributes.bytes;
    return only(stream, {
      data: (chunk) => {
        if (left <= 0) return link.close();
        const piece = chunk.data.length > left ? chunk.data.subarray(0, left) : chunk.data;
        left -= piece.length;
        out.data({ data: piece, at: chunk.at });
        if (left <= 0) link.close();
      },
      end: (kind) => out.end(kind),
      detach: () => {},
      dispose: () => {},
    });
  },
};
