import { FlatlineError } from '../util/errors.ts';

/** Where a command writes: process.stdout/stderr, or a buffer in tests. */
export interface Output {
  write(text: string): unknown;
  /** True on a terminal (process.stdout has it): output may be coloured. */
  isTTY?: boolean;
}

export interface CliIo {
  stdout: Output;
  stderr: Output;
}

/** What each harness/cli/<name>.ts exports: its --help text and its entry point (resolves with the exit code). */
export interface Command {
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Bad flags or values: the CLI prints the message and a pointer to --help, and exits 2. */
export function usageError(message: string): FlatlineError {
  return new FlatlineError('FLATLINE_ERR_USAGE', message);
}
