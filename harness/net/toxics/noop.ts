import { passThrough, type ToxicType } from '../toxic.ts';

/** Toxiproxy's `noop` (toxics/noop.go): registered like any toxic, so its API accepts it; passes everything. */
export const noop: ToxicType<Record<string, never>> = {
  type: 'noop',
  description: 'pass everything through unchanged',
  attributes: {},
  attach({ stream, outputs }) {
    return stream === 'upstream' ? { upstream: passThrough(outputs.upstream) } : { downstream: passThrough(outputs.downstream) };
  },
};
