import fs from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../scenario/results.ts';

/** The file runs are streamed to, next to results.json. */
export const RUN_STREAM_FILE = 'results.jsonl';

/**
 * results.jsonl: one run per line, written and flushed as each run finishes, so whatever ends
 * flatline early (a kill, a crash, a CI timeout) loses no run that had finished. results.json,
 * the reports and the summary are written from all of them at the end.
 */
export class RunStream {
  private readonly fd: number;
  readonly file: string;

  constructor(dir: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, RUN_STREAM_FILE);
    this.fd = fs.openSync(this.file, 'w');
  }

  append(run: RunResult): void {
    fs.writeSync(this.fd, `${JSON.stringify(run)}\n`);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** The runs of a results.jsonl, in the order they finished; a last line cut short by a crash is left out. */
export function readRunStream(file: string): RunResult[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const runs: RunResult[] = [];
  for (const line of lines) {
    try {
      runs.push(JSON.parse(line) as RunResult);
    } catch {
      break; // only the line being written when the process died can be partial
    }
  }
  return runs;
}
