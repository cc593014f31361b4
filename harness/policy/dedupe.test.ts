import { describe, expect, it } from 'vitest';
import { isFlatlineError } from '../util/errors.ts';
import { Deduper } from './dedupe.ts';

describe('Deduper', () => {
  it('lets an id through once per sender', () => {
    const d = new Deduper();
    expect(d.firstTime('a', 'm-1')).toBe(true);
    expect(d.firstTime('a', 'm-1')).toBe(false);
    expect(d.firstTime('b', 'm-1')).toBe(true);
    expect(d.firstTime('a', 'm-2')).toBe(true);
  });

  it('with a capacity, remembers only the most recent ids of each sender', () => {
    const d = new Deduper({ capacity: 2 });
    for (const id of ['m-1', 'm-2', 'm-3']) d.firstTime('a', id);
    d.firstTime('b', 'm-1');
    expect(d.remembered('a')).toBe(2);
    expect(d.remembered('b')).toBe(1);
    expect(d.firstTime('a', 'm-3')).toBe(false);
    expect(d.firstTime('a', 'm-2')).toBe(false);
    // Forgotten: a late copy of the oldest id passes again (the price of bounded memory).
    expect(d.firstTime('a', 'm-1')).toBe(true);
  });

  it('rejects a capacity that is not a whole number >= 1', () => {
    for (const capacity of [0, 1.5, -1]) {
      let error: unknown;
      try {
        new Deduper({ capacity });
      } catch (e) {
        error = e;
      }
      expect(isFlatlineError(error, 'FLATLINE_ERR_SERVER')).toBe(true);
      expect((error as Error).message).toBe(`dedupe.capacity must be a whole number >= 1, or Infinity to remember every id (got ${capacity})`);
    }
  });
});
