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
