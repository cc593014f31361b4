/**
 * Mark times as the page receives them. A timeline about 1,000 px wide cannot show more than one
 * mark per pixel column, so a series keeps at most one time per bucket of `endMs / buckets`: the
 * page looks the same and 1,380 deliveries in 30 minutes become 600 marks. The times then travel as
 * seconds since the previous mark (a heartbeat every 3 minutes is "180", not "37260000"), which
 * keeps 1,000 runs' worth of timelines a few megabytes.
 */
export const THIN_BUCKETS = 600;

/** Sorted times, at most one per bucket (the first in each); short series come back unchanged. */
export function thinTimes(times: readonly number[], endMs: number, buckets = THIN_BUCKETS): number[] {
  if (times.length <= buckets || endMs <= 0) return [...times];
  const width = endMs / buckets;
  const kept: number[] = [];
  let lastBucket = -1;
  for (const t of times) {
    const bucket = Math.floor(t / width);
    if (bucket !== lastBucket) kept.push(t);
    lastBucket = bucket;
  }
  return kept;
}

/** Sorted ms times as seconds since the previous one (the first since 0); the page's unpackTimes reverses it. */
export function packTimes(times: readonly number[]): number[] {
  return times.map((t, i) => (t - (i === 0 ? 0 : times[i - 1]!)) / 1000);
}
