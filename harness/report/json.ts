import type { ResultsFile } from '../scenario/results.ts';

/** results.json: every run, every verdict, every trace. Same seed, same bytes (wallMs aside). */
export function renderJson(results: ResultsFile): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}
