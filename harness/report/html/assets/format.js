// Pure helpers of the page: text formatting (everything shown is text, never markup) and unpacking
// what the report packed. format.test.ts runs them in node against their TypeScript counterparts.

const DURATION_UNITS = [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]];

/** "7m58.529s", "3m10s", "250ms": exact to the millisecond (format.test.ts keeps it equal to readableMs). */
function fmtDuration(ms) {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  const total = Math.abs(Math.round(ms));
  if (total < 1000) return `${sign}${total}ms`;
  let rest = total;
  const parts = [];
  for (const [unit, size] of DURATION_UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${(rest / 1000).toFixed(3).replace(/\.?0+$/, '')}s`);
  return sign + parts.join('');
}

/** "1 attempt", "3 attempts". */
function plural(n, word) {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** A verdict's measured or bound value: durations for the *Ms fields, times for the *At ones. */
function fmtMeasure(key, value) {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number' && /Ms$/.test(key)) return fmtDuration(value);
  if (typeof value === 'number' && (/At$/.test(key) || key === 'from' || key === 'to')) return `at ${fmtDuration(value)}`;
  return String(value);
}

const STATUS_WORDS = { pass: 'passed', fail: 'failed', finding: 'expected finding', error: 'error' };
const STATUS_BADGES = { pass: 'PASS', fail: 'FAIL', finding: 'FINDING', error: 'ERROR' };

/** Mark times arrive as seconds since the previous mark (thin.ts packTimes); back to ms since the run began. */
function unpackTimes(dt) {
  let t = 0;
  return dt.map((d) => (t = Math.round(t + d * 1000)));
}

/** The address of one run in the page: a matrix cell links there, and opening the page with it opens that run. */
function runHash(id) {
  return `#run/${encodeURIComponent(id)}`;
}

/**
 * Where a label `width` wide starts, wanting x, so that it stays whole between `left` and `right`
 * with `pad` to spare: moved left at the right edge, right at the left edge (a chart's labels).
 */
function fitLeft(x, width, left, right, pad) {
  return Math.max(left + pad, Math.min(x, right - width - pad));
}
