#!/usr/bin/env node
// The `flatline` command. In a checkout it runs the TypeScript sources through tsx's loader (no
// build step); in the installed package (dist/bin) it runs the compiled JavaScript beside it.
import { existsSync } from 'node:fs';

const source = new URL('../harness/cli/main.ts', import.meta.url);
let entry = new URL('../harness/cli/main.js', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = source;
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
