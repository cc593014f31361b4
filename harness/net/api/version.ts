import { existsSync, readFileSync } from 'node:fs';

/** flatline's version, from package.json, as GET /version and `flatline --version` report it. */
export const FLATLINE_VERSION: string = readVersion();

/** The package.json above this file: three levels up in the sources, four in the built package (dist/harness/net/api). */
function readVersion(): string {
  for (const up of ['../../../package.json', '../../../../package.json']) {
    const file = new URL(up, import.meta.url);
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}
