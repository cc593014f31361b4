import fs from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { importUserModule } from '../scenario/loader.ts';
import { parseOrThrow } from '../schema/issues.ts';
import { strict, text } from '../schema/kit.ts';

/** The files `flatline run` looks for in the project directory, first found wins. */
export const CONFIG_FILES = ['flatline.config.ts', 'flatline.config.mts', 'flatline.config.js', 'flatline.config.mjs'] as const;

export const configSchema = strict(
  {
    /** Files, directories or globs `flatline run` takes when given none (default: scenarios/, else **\/*.scenario.ts). */
    scenarios: v.optional(v.array(text('a file, directory or glob'), 'must be a list of files, directories or globs')),
    /** Modules imported before any scenario, in every process of the run: where your subjects register. */
    setup: v.optional(v.array(text('a module path'), 'must be a list of module paths')),
    /** Where results go (default reports/). */
    out: v.optional(text('a directory')),
  },
  'a flatline config',
);

/** What a project's flatline.config.ts exports. */
export type FlatlineConfig = v.InferInput<typeof configSchema>;

export function defineConfig(config: FlatlineConfig): FlatlineConfig {
  return config;
}

/** The project's config, checked like a scenario; {} when it has none. Paths in it are relative to the project. */
export async function loadConfig(cwd = process.cwd()): Promise<FlatlineConfig & { file?: string }> {
  const file = CONFIG_FILES.find((name) => fs.existsSync(path.join(cwd, name)));
  if (file === undefined) return {};
  const exported = await importUserModule(file, cwd);
  return { ...parseOrThrow(configSchema, exported ?? {}, file, { code: 'FLATLINE_ERR_CONFIG' }), file };
}
