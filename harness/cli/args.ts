import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './command.ts';

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The values parseArgs gives for `options` (named, so that declarations can be emitted). */
export type ParsedOptions<O extends OptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>>['values'];

/** node:util parseArgs, strict and without positionals; its complaints become usage errors. */
export function parseOptions<const O extends OptionsConfig>(argv: string[], options: O): ParsedOptions<O> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

/** A whole number flag value within [min, max]. */
export function integerOption(value: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw usageError(`${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return n;
}
