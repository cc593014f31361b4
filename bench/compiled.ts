/**
 * The bench's child processes run compiled JavaScript, as the installed package is (tsc with the
 * build's options, tsconfig.bench.json), never tsx: tsx's esbuild `keepNames` wraps every function
 * in `__name(...)`, a property store of about 250 bytes on every closure it makes, which users of
 * the package never pay (tsx leaves the package's .js alone even when it loads a user's scenario
 * file). Measured on the 20,000-client tcp storm, interleaved at load 9–12: 1,325–1,337 MB peak and
 * 37.9–38.5 s of CPU through tsx, 1,013–1,018 MB and 28.3–32.0 s compiled.
 *
 * Built into bench-build/ (git-ignored, never committed) once per bench process, on a fresh clone
 * too; incremental, so a later bench rebuilds only what changed.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = path.join(ROOT, 'bench-build');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');

let built = false;

/** Compiles the bench's children (bench/*-child.ts and what they import), once. */
function build(): void {
  if (built) return;
  try {
    execFileSync(process.execPath, [TSC, '-p', path.join(ROOT, 'tsconfig.bench.json')], { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    throw new Error('bench: compiling the child processes failed (tsc -p tsconfig.bench.json, errors above)');
  }
  built = true;
}

/** The compiled JavaScript of a bench child given by its TypeScript source's URL, built first if need be. */
export function compiledChild(source: URL): string {
  build();
  const relative = path.relative(ROOT, fileURLToPath(source));
  return path.join(OUT, relative.replace(/\.ts$/, '.js'));
}
