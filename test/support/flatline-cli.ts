import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * How long one `flatline` command may take before the test kills it: a hang guard, not a verdict
 * (what a run judges is judged in virtual time). On a 2-core machine at load 24, one command of six
 * small runs took 82 s of real time in a fresh-clone `.ci/run`, and over 100 s in an engineer's.
 */
export const CLI_BUDGET_MS = 300_000;

/** A vitest timeout for a test that runs `commands` flatline commands one after another. */
export const cliTestTimeout = (commands: number) => commands * CLI_BUDGET_MS + 10_000;

const repo = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The project the command runs in; this checkout by default. */
  cwd?: string;
  /** Serve flatline's TypeScript sources through the `source` export condition, as a linked install does. */
  source?: boolean;
}

/** Runs the real `flatline` command, as a user or CI would. A command killed at its budget throws, naming itself. */
export function flatlineCli(args: readonly string[], options: CliOptions = {}): CliResult {
  const node = options.source ? ['--conditions=source'] : [];
  const r = spawnSync(process.execPath, [...node, path.join(repo, 'bin/flatline.mjs'), ...args], { cwd: options.cwd ?? repo, encoding: 'utf8', timeout: CLI_BUDGET_MS });
  if (r.status === null) {
    const why = r.error?.message ?? `killed by ${r.signal}`;
    throw new Error(`flatline ${args.join(' ')}: ${why} (budget ${CLI_BUDGET_MS / 1000} s of real time)\n${r.stderr}`);
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `flatline run` writing into a fresh directory, with a reader for the files it wrote there. */
export function flatlineRun(...args: string[]) {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'flatline-run-'));
  const result = flatlineCli(['run', '--out', out, ...args]);
  return { ...result, out, read: (file: string) => fs.readFileSync(path.join(out, file), 'utf8') };
}
