import { FlatlineError } from './errors.ts';

/** A duration as a person writes it ("3m", "10s", "250ms", "1h30m") or as milliseconds. */
export type Duration = string | number;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/**
 * Milliseconds from a duration. `where` names the field in error messages
 * ("heartbeat.interval in scenarios/nat.ts") so a bad value can be found.
 */
export function toMs(value: Duration, where = 'duration'): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) {
      throw new FlatlineError('FLATLINE_ERR_DURATION', `${where}: ${value} is not a duration; use a non-negative number of milliseconds or a string such as "3m", "10s", "250ms"`);
    }
    return value;
  }
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return toMs(Number(text), where);
  let total = 0;
  let consumed = 0;
  PART.lastIndex = 0;
  for (let m = PART.exec(text); m; m = PART.exec(text)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    consumed = PART.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new FlatlineError('FLATLINE_ERR_DURATION', `${where}: "${text}" is not a duration; write it like "3m", "10s", "250ms" or "1h30m" (units ms, s, m, h, d)`);
  }
  return total;
}

/** The shortest readable form of a duration in ms: 190000 -> "3m10s", 250 -> "250ms". */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest === 0) return '0ms';
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000], ['ms', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return sign + parts.join('');
}

/**
 * A duration for reading, exact to the millisecond: whole days, hours and minutes, then seconds
 * with their milliseconds as a decimal fraction. 478529 -> "7m58.529s", 4001 -> "4.001s",
 * 190000 -> "3m10s", 250 -> "250ms". toMs reads it back.
 */
export function readableMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const sign = ms < 0 ? '-' : '';
  const total = Math.abs(Math.round(ms));
  if (total < 1_000) return `${sign}${total}ms`;
  let rest = total;
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${(rest / 1_000).toFixed(3).replace(/\.?0+$/, '')}s`);
  return sign + parts.join('');
}

/** formatMs's words with a millisecond part after a larger unit: "4s1ms", "7m58s529ms", "3m5ms". */
const COMPOUND_MS = /\b(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?\d+ms\b/g;

/** A text (a verdict summary) with formatMs's compound durations rewritten as readableMs would word them. */
export function readableDurations(text: string): string {
  return text.replace(COMPOUND_MS, (words) => (/^\d+ms$/.test(words) ? words : readableMs(toMs(words))));
}
