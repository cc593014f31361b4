import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from '../scenario/results.ts';
import { cliTestTimeout, flatlineCli } from '../../test/support/flatline-cli.ts';

const repo = path.resolve(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/**
 * An empty project with flatline "installed": node_modules/flatline links to this checkout, and the
 * `source` export condition serves the TypeScript sources (the consumer smoke test in .ci/run
 * does the same with the packed package).
 */
function emptyProject(type: 'commonjs' | 'module'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `flatline-init-${type}-`));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'my-app', type }));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(repo, path.join(dir, 'node_modules/flatline'));
  return dir;
}

const flatline = (cwd: string, ...args: string[]) => flatlineCli(args, { cwd, source: true });

const results = (dir: string, out = 'reports') => JSON.parse(fs.readFileSync(path.join(dir, out, 'results.json'), 'utf8')) as ResultsFile;

describe('flatline init, then flatline run with no arguments', { timeout: cliTestTimeout(5) }, () => {
  it.each(['commonjs', 'module'] as const)('passes on the starter scenario in an empty %s project', (type) => {
    const dir = emptyProject(type);
    const init = flatline(dir, 'init');
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/wrote {3}flatline\.config\.ts\n {2}wrote {3}scenarios\/starter\.scenario\.ts\n {2}wrote {3}flatline\/example-adapter\.ts/);
    const run = flatline(dir, 'run', '--reporter', 'json');
    expect(run.stderr).toMatch(/1 runs from 1 files/);
    expect(run.code).toBe(0);
    const [starter] = results(dir).runs;
    expect(starter).toMatchObject({ file: 'scenarios/starter.scenario.ts', subject: 'example', status: 'pass' });
    expect(starter!.verdicts.map((v) => `${v.check} ${v.status}`)).toEqual(['keepalive pass', 'detection pass', 'backoff pass', 'delivery pass']);
  });

  it('leaves files that exist alone unless --force', () => {
    const dir = emptyProject('module');
    fs.writeFileSync(path.join(dir, 'flatline.config.ts'), '// mine\n');
    expect(flatline(dir, 'init').stdout).toMatch(/kept {4}flatline\.config\.ts \(exists; --force overwrites it\)/);
    expect(fs.readFileSync(path.join(dir, 'flatline.config.ts'), 'utf8')).toBe('// mine\n');
    flatline(dir, 'init', '--force');
    expect(fs.readFileSync(path.join(dir, 'flatline.config.ts'), 'utf8')).toMatch(/defineConfig/);
  });

  it('runs a gallery case against a registered subject with --subject', () => {
    const dir = emptyProject('module');
    flatline(dir, 'init');
    const run = flatline(dir, 'run', '--subject', 'example', '--filter', 'gallery nat-idle', '--reporter', 'json', '--out', 'subject');
    expect(run.code).toBe(0);
    expect(results(dir, 'subject').runs).toMatchObject([{ subject: 'example', status: 'pass', scenario: expect.stringMatching(/^gallery nat-idle: .*\[subject=example\]$/) }]);
  });

  it('says what to do in a project with no scenarios, and names a misspelt --subject or config key', () => {
    const dir = emptyProject('module');
    const none = flatline(dir, 'run');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no scenarios in this project: write one \(npx flatline init writes a starter\), pass files, or run the built-in suites with --builtin/);
    expect(flatline(dir, 'run', '--subject', 'tpc').stderr).toMatch(/--subject: unknown subject "tpc"; did you mean "tcp"\?/);
    fs.writeFileSync(path.join(dir, 'flatline.config.ts'), "export default { scenarioss: ['x'] };\n");
    const config = flatline(dir, 'run');
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/flatline\.config\.ts: scenarioss: unknown field; did you mean "scenarios"\?/);
  });
});
