import { only, type ToxicType } from '../toxic.ts';

export interface LimitDataAttributes {
  bytes: number;
}

/** Bytes already passed on the connection: the budget counts from its start across updates (Toxiproxy's LimitDataToxicState). */
export interface LimitDataState {
  passed: number;
}

/**
 * Passes `bytes` bytes in this direction (the last chunk truncated), then closes the direction. The
 * close travels through the toxics after this one, like Toxiproxy's stub.Close(), so bytes a later
 * toxic still holds (latency) arrive before it.
 */
export const limitData: ToxicType<LimitDataAttributes, LimitDataState> = {
  type: 'limit_data',
  description: 'close the connection after bytes bytes',
  attributes: { bytes: { kind: 'number', default: 0, min: 0, integer: true, unit: 'bytes' } },
  newState: () => ({ passed: 0 }),
  attach({ state, attributes, stream, outputs }) {
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
        const left = attributes.bytes - state.passed;
        const piece = chunk.data.length > left ? chunk.data.subarray(0, Math.max(0, left)) : chunk.data;
        if (piece.length > 0) {
          state.passed += piece.length;
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
