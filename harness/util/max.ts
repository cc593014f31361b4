/**
 * The largest of `values`, undefined when there are none. A loop, not `Math.max(...values)`: a
 * spread passes one argument per element, and V8 overflows the stack beyond about 120,000 of them
 * (a fleet's members, a long run's reconnect delays, a sweep's measurements).
 */
export function maxOf(values: Iterable<number>): number | undefined {
  let max: number | undefined;
  for (const value of values) if (max === undefined || value > max) max = value;
  return max;
}
