import { expect, it } from 'vitest';
import { maxOf } from './max.ts';

it('finds the largest of 200,000 numbers, where Math.max(...) overflows the stack', () => {
  const many = Array.from({ length: 200_000 }, (_, i) => (i * 7_919) % 200_000);
  expect(maxOf(many)).toBe(199_999);
  expect(maxOf([...many, 250_000])).toBe(250_000);
  expect(maxOf([250_000, ...many])).toBe(250_000);
});

it('is undefined for no numbers, and takes negatives and any iterable', () => {
  expect(maxOf([])).toBeUndefined();
  expect(maxOf([-5, -2, -9])).toBe(-2);
  expect(maxOf(new Set([3, 1, 2]))).toBe(3);
});
