import fs from 'node:fs';
import path from 'node:path';
import { parseOptions } from './args.ts';
import type { Command } from './command.ts';

export const usage = `Usage: flatline init [--force]

Writes a starter into the current project: flatline.config.ts, scenarios/starter.scenario.ts
and flatline/example-adapter.ts (a client of your own, as a subject). Then: npx flatline run

Options:
  --force    overwrite those files if they exist (default: leave existing files alone)`;

/** What init writes: the template (beside this file, in templates/) and where it goes. */
const FILES: [template: string, target: string][] = [
  ['flatline.config.ts', 'flatline.config.ts'],
  ['starter.scenario.ts', 'scenarios/starter.scenario.ts'],
  ['example-adapter.ts', 'flatline/example-adapter.ts'],
];

export const run: Command['run'] = async (argv, io) => {
  const { force } = parseOptions(argv, { force: { type: 'boolean' } });
  for (const [template, target] of FILES) {
    if (fs.existsSync(target) && !force) {
      io.stdout.write(`  kept    ${target} (exists; --force overwrites it)\n`);
      continue;
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(new URL(`./templates/${template}`, import.meta.url), target);
    io.stdout.write(`  wrote   ${target}\n`);
  }
  io.stdout.write('\nNext: npx flatline run   (results in reports/; open reports/index.html)\n');
  return 0;
};
