import { describe, expect, it } from 'vitest';
import { SendWindow } from './send-window.ts';

describe('SendWindow', () => {
  it('lets `size` items out at once, the rest in order as earlier ones finish', () => {
    const started: number[] = [];
    const w = new SendWindow<number>(2, (n) => started.push(n));
    for (let n = 1; n <= 5; n++) w.push(n);
    expect(started).toEqual([1, 2]);
    w.done();
    expect(started).toEqual([1, 2, 3]);
    w.done();
    w.done();
    expect(started).toEqual([1, 2, 3, 4, 5]);
    w.push(6); // two are still out
    expect(started).toEqual([1, 2, 3, 4, 5]);
    w.done();
    expect(started).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('with an infinite size sends everything at once', () => {
    const started: number[] = [];
    const w = new SendWindow<number>(Number.POSITIVE_INFINITY, (n) => started.push(n));
    for (let n = 1; n <= 100; n++) w.push(n);
    expect(started).toHaveLength(100);
  });
});
