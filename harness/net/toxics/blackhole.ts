import { only, type ToxicType } from '../toxic.ts';

/**
 * Drops every chunk in this direction and never closes anything; unlike Toxiproxy's `timeout`,
 * removing it heals the link, so "the line went flat, then came back" can be scripted.
 */
export const blackhole: ToxicType<Record<string, never>> = {
  type: 'blackhole',
  description: 'drop all data in this direction until removed (removal heals)',
  attributes: {},
  attach({ stream, outputs }) {
    return only(stream, {
      data: () => {},
      end: (kind) => outputs[stream].end(kind),
      detach: () => {},
      dispose: () => {},
    });
  },
};
