/** What a terminal line may be painted as. */
export type Tone = 'pass' | 'fail' | 'finding' | 'error' | 'dim' | 'bold';

/** Wraps text in a tone's colour, or returns it as is. */
export type Paint = (tone: Tone, text: string) => string;

/** ANSI SGR codes (ECMA-48 section 8.3.117): green, red, yellow, magenta, faint, bold. */
const SGR: Record<Tone, [number, number]> = {
  pass: [32, 39],
  fail: [31, 39],
  finding: [33, 39],
  error: [35, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export const plain: Paint = (_tone, text) => text;
export const ansi: Paint = (tone, text) => `\u001b[${SGR[tone][0]}m${text}\u001b[${SGR[tone][1]}m`;

/**
 * Colour only on a terminal, and never when NO_COLOR is set to anything but "" (https://no-color.org);
 * FORCE_COLOR (not "0") asks for it in CI logs that render ANSI, as node and chalk read it.
 */
export function paintFor(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): Paint {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return plain;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return ansi;
  return stream.isTTY ? ansi : plain;
}
