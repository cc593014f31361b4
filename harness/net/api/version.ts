import { readFileSync } from 'node:fs';

/** flatline's version, from package.json, as GET /version and `flatline --version` report it. */
export const FLATLINE_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
