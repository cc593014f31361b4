import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../scenario/results.ts';
import { readRunStream, RunStream } from './run-stream.ts';

const run = (id: string) => ({ id, status: 'pass', verdicts: [], trace: [] }) as unknown as RunResult;

describe('RunStream', () => {
  it('has every finished run on disk at once, before the stream is closed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-stream-'));
    const stream = new RunStream(path.join(dir, 'out'));
    stream.append(run('a'));
    stream.append(run('b'));
    expect(readRunStream(stream.file).map((r) => r.id)).toEqual(['a', 'b']);
    stream.close();
    fs.rmSync(dir, { recursive: true });
  });

  it('reads past a last line cut short by a crash', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-stream-'));
    const file = path.join(dir, 'results.jsonl');
    fs.writeFileSync(file, `${JSON.stringify(run('a'))}\n{"id":"b","sta`);
    expect(readRunStream(file).map((r) => r.id)).toEqual(['a']);
    fs.rmSync(dir, { recursive: true });
  });
});
