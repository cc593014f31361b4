/**
 * The candidate a mistyped word most likely meant ("horizn" -> "horizon", "crsh" -> "crash"), or
 * undefined when none is close enough to suggest. Distance is Damerau-Levenshtein (optimal string
 * alignment: a swap of two neighbours counts as one edit), case-insensitive; a candidate qualifies
 * within a third of the word's length (at least 1, at most 3 edits), or when one contains the
 * other; the nearest qualifying candidate wins.
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const d = distance(w, c);
    const allowed = Math.min(3, Math.max(1, Math.floor(Math.max(w.length, c.length) / 3)));
    if ((d <= allowed || c.includes(w) || w.includes(c)) && d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}

/** ` did you mean "horizon"?` when a candidate is close, else nothing: for the end of an error message. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const match = closest(word, candidates);
  return match === undefined ? '' : `; did you mean "${match}"?`;
}
