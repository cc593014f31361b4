import type { ResultsDiff } from './diff.ts';
import { plain, type Paint } from './colour.ts';
import { clip } from './summary.ts';

const WORDS = { regressed: 'WORSE', improved: 'BETTER', new: 'NEW', gone: 'GONE' } as const;
const TONES = { regressed: 'fail', improved: 'pass', new: 'dim', gone: 'dim' } as const;

/** The terminal's view of a baseline diff: one line per changed run with what moved, then the counts. */
export function changesText(diff: ResultsDiff, baselineFile: string, paint: Paint = plain): string {
  const lines = ['', paint('bold', `changes since ${baselineFile}`), ''];
  for (const c of diff.changes) {
    const flip = c.before && c.after && c.before !== c.after ? ` ${c.before} → ${c.after};` : '';
    const numbers = c.numbers.map((n) => n.text).join('; ');
    lines.push(`${paint(TONES[c.kind], WORDS[c.kind].padEnd(6))}  ${clip(c.scenario)}:${flip} ${numbers || (c.kind === 'new' ? `not in the baseline (${c.after})` : c.kind === 'gone' ? `no longer run (was ${c.before})` : '')}`.trimEnd());
  }
  if (diff.changes.length) lines.push('');
  const n = diff.counts;
  lines.push(`${n.regressed} regressed, ${n.improved} improved, ${n.new} new, ${n.gone} gone, ${n.unchanged} unchanged (tolerance ${Math.round(diff.tolerance * 1000) / 10}%)`);
  return `${lines.join('\n')}\n`;
}
