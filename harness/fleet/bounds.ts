import * as v from 'valibot';
import { toMs } from '../util/duration.ts';
import type { HerdBounds } from './herd.ts';

/**
 * A herd check's limits as a scenario writes them: `peak: '<= 200/s'`, `back99: '<= 90s'`,
 * `herdFactor: '<= 3'`, `wasted: '<= 500'`. Only upper bounds: each is something a fleet should keep low.
 */

const UPPER = /^\s*<=\s*(.+?)\s*$/;

function upper(kind: string, example: string, parse: (text: string) => number | undefined) {
  return v.pipe(
    v.string((issue) => `must be an upper bound like "${example}" (got ${issue.received})`),
    v.check((s) => {
      const m = UPPER.exec(s);
      return m !== null && parse(m[1]!) !== undefined;
    }, (issue) => `${JSON.stringify(issue.input)} is not an upper bound on ${kind}; write it like "${example}"`),
  );
}

const perSecond = (text: string) => {
  const m = /^(\d+(?:\.\d+)?)\s*\/\s*s$/.exec(text);
  return m ? Number(m[1]) : undefined;
};
const plainNumber = (text: string) => (/^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined);
const ms = (text: string) => {
  try {
    return toMs(text);
  } catch {
    return undefined;
  }
};

const rate = upper('a rate', '<= 200/s', perSecond);
const time = upper('a time', '<= 90s', ms);
const number = upper('a number', '<= 3', plainNumber);

export const herdBoundEntries = {
  /** Attempts in the busiest second. */
  peak: v.optional(rate),
  /** The 99th percentile of attempts per second. */
  p99: v.optional(rate),
  /** Reconnections in the busiest second. */
  peakReconnects: v.optional(rate),
  /** Peak against an even spread of the same attempts over the same window. */
  herdFactor: v.optional(number),
  back50: v.optional(time),
  back90: v.optional(time),
  back99: v.optional(time),
  back100: v.optional(time),
  /** Attempts that did not connect (refused, timed out). */
  wasted: v.optional(number),
};

type BoundSpecs = { [K in keyof typeof herdBoundEntries]?: string };

/** The numbers the check compares with: rates in attempts/s, times in ms. */
export function toHerdBounds(spec: BoundSpecs): HerdBounds {
  const out: HerdBounds = {};
  for (const [key, text] of Object.entries(spec) as [keyof HerdBounds, string | undefined][]) {
    if (text === undefined || !(key in herdBoundEntries)) continue;
    const value = UPPER.exec(text)![1]!;
    out[key] = key === 'peak' || key === 'p99' || key === 'peakReconnects' ? perSecond(value)! : key.startsWith('back') ? ms(value)! : plainNumber(value)!;
  }
  return out;
}
