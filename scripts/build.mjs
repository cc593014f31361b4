// `npm run build` (and `npm pack`, through prepack): the published package is JavaScript and type
// declarations in dist/, so plain node, CommonJS projects and a consumer's tsc --strict can use it.
// dist/ is build output: never committed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

// What the modules read at run time beside themselves: the report's page scripts and styles, init's templates, and the command.
const copy = (from, to) => {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
};
copy(path.join(root, 'harness/report/html/assets'), path.join(dist, 'harness/report/html/assets'));
copy(path.join(root, 'harness/cli/templates'), path.join(dist, 'harness/cli/templates'));
copy(path.join(root, 'bin/flatline.mjs'), path.join(dist, 'bin/flatline.mjs'));
