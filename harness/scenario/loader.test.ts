import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expand, importUserModule, planRuns, resolveScenarioFiles } from './loader.ts';
import { defineMatrix } from './scenario.ts';
import { findSubject, subjectKinds } from './subjects.ts';
import '../subjects/index.ts'; // the built-ins the runner registers

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A project under the temp directory: package.json of `type`, and `files`. */
function project(type: 'commonjs' | 'module', files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `flatline-loader-${type}-`));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'p', type }));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

const scenarioFile = (name: string) => `
import type { Scenario } from '${path.resolve('harness/scenario/scenario.ts')}';
import { checks } from './helper.ts';
const scenario: Scenario = { name: '${name}', subject: { kind: 'tcp' }, timeline: [{ at: 0, do: 'connect' }], checks, horizon: '10m' };
export default scenario;
`;
const helper = `export const checks = [{ check: 'keepalive' as const, window: '5m' }];\n`;

describe('loading scenario files', () => {
  it.each(['commonjs', 'module'] as const)('loads TypeScript scenarios from a %s project', async (type) => {
    const dir = project(type, { 'scenarios/a.scenario.ts': scenarioFile(`from ${type}`), 'scenarios/helper.ts': helper });
    const { runs, failures } = await planRuns(resolveScenarioFiles(['scenarios'], dir), {}, dir);
    expect(failures).toEqual([]);
    expect(runs.map((r) => r.scenario.name)).toEqual([`from ${type}`]);
  });

  it('says what to do when a file does not load', async () => {
    const dir = project('module', { 'x.scenario.ts': "import { nothing } from 'no-such-package';\nexport default nothing;\n" });
    const { failures } = await planRuns(['x.scenario.ts'], {}, dir);
    expect(failures[0]!.message).toMatch(/^x\.scenario\.ts does not load: .*no-such-package[\s\S]*default export is defineScenario\(\{\.\.\.\}\).*npm i -D flatline/);
  });

  it('imports a JavaScript module of a CommonJS project with its exports', async () => {
    const dir = project('commonjs', { 'config.js': 'module.exports = { default: { scenarios: ["x"] } };\n' });
    expect(await importUserModule('config.js', dir)).toEqual({ scenarios: ['x'] });
  });
});

// A scenario file that imports flatline's own modules (the built-in heartbeat-vs-nat does, through
// nat/simulate.ts) gets copies of them; their registrations must not replace the runner's subjects.
const copyOfFlatline = `
import * as copy from '${path.resolve('harness/scenario/subjects.ts')}';
import '${path.resolve('harness/subjects/index.ts')}';
export default copy;
`;

describe('a scenario file that loads its own copy of flatline', () => {
  it("leaves every built-in subject the runner's own", async () => {
    const before = new Map(subjectKinds().map((kind) => [kind, findSubject(kind)]));
    expect(before.has('xmpp')).toBe(true);
    const dir = project('module', { 'copy.scenario.ts': copyOfFlatline });
    const copy = (await importUserModule('copy.scenario.ts', dir)) as { findSubject: typeof findSubject };
    expect(copy.findSubject).not.toBe(findSubject); // a second instance of the modules, sharing the registry
    for (const [kind, definition] of before) expect({ kind, same: findSubject(kind) === definition }).toEqual({ kind, same: true });
  });
});

describe('resolveScenarioFiles', () => {
  const dir = project('module', { 'scenarios/a.scenario.ts': '', 'scenarios/deep/b.scenario.mjs': '', 'scenarios/helper.ts': '', 'other.ts': '' });

  it.each([
    ['scenarios/**', ['scenarios/a.scenario.ts', 'scenarios/deep/b.scenario.mjs']],
    ['**/*.ts', ['scenarios/a.scenario.ts']],
    ['scenarios/*.scenario.ts', ['scenarios/a.scenario.ts']],
    ['scenarios', ['scenarios/a.scenario.ts', 'scenarios/deep/b.scenario.mjs']],
  ])('%s picks up scenario files only', (pattern, files) => {
    expect(resolveScenarioFiles([pattern], dir)).toEqual(files);
  });

  it('takes a file named explicitly as it is', () => {
    expect(resolveScenarioFiles(['scenarios/helper.ts'], dir)).toEqual(['scenarios/helper.ts']);
  });
});

describe('expand with a subject', () => {
  it("puts the subject in a matrix's subject dimension, leaving the other dimensions alone", () => {
    const matrix = defineMatrix({ subject: ['tcp', 'ws'], nat: ['1m', '5m'] }, ({ subject, nat }) => ({
      name: 'm',
      subject: { kind: subject },
      network: { nat: { timeout: nat } },
      timeline: [],
      checks: [{ check: 'keepalive', window: '1m' }],
      horizon: '2m',
    }));
    expect(expand(matrix, 'mine').map((r) => r.scenario.name)).toEqual(['m [subject=mine nat=1m]', 'm [subject=mine nat=5m]']);
    expect(expand(matrix).length).toBe(4);
  });
});
