import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FLATLINE_VERSION } from '../net/api/version.ts';
import { renderJson } from '../report/json.ts';
import { RunStream } from '../report/run-stream.ts';
import { renderJunit } from '../report/junit.ts';
import { renderHtml } from '../report/html/render.ts';
import { paintFor } from '../report/colour.ts';
import { progressLine, summaryText } from '../report/summary.ts';
import { realTimers } from '../clock/clock.ts';
import { importUserModule, planRuns, resolveScenarioFiles } from '../scenario/loader.ts';
import { findSubject } from '../scenario/subjects.ts';
import { FlatlineError } from '../util/errors.ts';
import { loadConfig, type FlatlineConfig } from './config.ts';
import { summarize, type ResultsFile, type RunResult } from '../scenario/results.ts';
import { runSuite, type SharedRunOptions } from '../scenario/suite.ts';
import { runTimeLimitMs } from '../scenario/time-limit.ts';
import { NETWORK_SUBSTRATES, type NetworkSubstrate } from '../scenario/world.ts';
import { outsideParties, substrateFor } from '../scenario/parties.ts';
import { integerOption } from './args.ts';
import { usageError, type Command } from './command.ts';
import { inShard, parseShard, selectShard, type Shard } from './shard.ts';
import { BASELINE_OPTIONS, BASELINE_USAGE, compareWithBaseline, parseBaselineArgs, regressionExit, type BaselineArgs } from './baseline.ts';
import type { ShardedResultsFile } from '../report/shards.ts';
import type { ResultsDiff } from '../report/diff.ts';

export const usage = `Usage: flatline run [files, directories or globs...] [options]

Runs scenarios (files named *.scenario.ts) in virtual time and judges them.
With no files: the config's scenarios (flatline.config.ts), else scenarios/, else **/*.scenario.ts.

Options:
  --builtin           run flatline's built-in suites
  --subject NAME      run the built-in gallery's cases against subject NAME (registered by a --setup
                      module, a config setup module or a scenario file), or put NAME in the subject
                      dimension of the given files' matrices
  --setup FILE        import FILE first, in every process of the run (where a subject registers); repeatable
  --seed N            seed for every random choice (default 1); same seed, same results
  --filter TEXT       only scenarios whose name contains TEXT
  --out DIR           where results go (default reports/)
  --reporter LIST     comma-separated: json, junit, html (default json,junit,html)
  --workers N         child processes running scenarios in parallel (default 1); every run
                      is isolated in one: a crash, hang or busy loop costs only that run
  --time-limit DUR    wall-clock watchdog per run, e.g. 5m: replaces every scenario's own
                      timeLimit (give a slow machine more time); without it a scenario's
                      timeLimit, else 60s
${BASELINE_USAGE}
  --shard I/N         run only the I-th of N parts of the plan (split by run id, so stable when
                      files are added); "flatline report" merges the N results.json files
  --network SUBSTRATE sim (default): the simulated network, an in-process TCP/IP in virtual time,
                      exact and independent of the machine's load; kernel: loopback sockets
                      (the default with --mqtt-url, --toxiproxy or --time-scale)

Against a real Toxiproxy (real time instead of virtual time):
  --toxiproxy URL     apply faults through the Toxiproxy at URL, e.g. http://127.0.0.1:8474
  --time-scale S      scenario time runs at S of real speed (default 0.01 with --toxiproxy:
                      a 5-minute NAT timeout takes 3 s)
  --upstream-host H   how that Toxiproxy reaches flatline's servers (default 127.0.0.1)
  --listen-host H     where flatline's servers listen (default 127.0.0.1; 0.0.0.0 in a container)

  --mqtt-url URL      MQTT subjects use this broker (e.g. mosquitto) instead of the in-process aedes;
                      it runs on real time, so it needs --time-scale: in virtual time it is refused
  --allow-external-in-virtual-time
                      run it in virtual time anyway; every verdict is marked as judged against
                      a real-time peer (its own timers cannot be judged there)

Exit codes: 0 every verdict holds (expected findings included), 1 a verdict failed (or, with
--fail-on-regression, a run got worse than the baseline), 2 a usage error or a run that could not be judged (bad scenario, crash, hang).`;

const REPORTERS = ['json', 'junit', 'html'] as const;
type Reporter = (typeof REPORTERS)[number];

const BUILT_IN = fileURLToPath(new URL('../../scenarios', import.meta.url));

/** Everything `flatline run` takes from its command line, checked. */
export interface RunArgs {
  files: string[];
  seed: number;
  workers: number;
  filter?: string;
  /** Given with --out: else the config's, else reports/. */
  out?: string;
  builtin: boolean;
  subject?: string;
  setup: string[];
  reporters: Reporter[];
  shared: SharedRunOptions;
  shard?: Shard;
  baseline?: BaselineArgs;
}

export function parseRunArgs(argv: string[]): RunArgs {
  const { values, positionals } = parse(argv);
  const args: RunArgs = {
    files: positionals,
    seed: values.seed === undefined ? 1 : integerOption(values.seed, '--seed', 0, 2 ** 32 - 1),
    workers: values.workers === undefined ? 1 : integerOption(values.workers, '--workers', 1, 64),
    filter: values.filter,
    out: values.out,
    builtin: values.builtin ?? false,
    subject: values.subject,
    setup: values.setup ?? [],
    reporters: parseReporters(values.reporter ?? 'json,junit,html'),
    shard: values.shard === undefined ? undefined : parseShard(values.shard),
    baseline: parseBaselineArgs(values),
    shared: {
      wallLimitMs: runTimeLimitMs(values['time-limit'], '--time-limit', 'FLATLINE_ERR_USAGE'),
      remote: values.toxiproxy === undefined ? undefined : { url: checkUrl(values.toxiproxy, '--toxiproxy'), upstreamHost: values['upstream-host'] },
      timeScale: values['time-scale'] === undefined ? undefined : parseScale(values['time-scale']),
      serverHost: values['listen-host'],
      mqttUrl: values['mqtt-url'] === undefined ? undefined : checkUrl(values['mqtt-url'], '--mqtt-url', /^(mqtt|tcp):\/\/[^/]+/),
      allowExternalInVirtualTime: values['allow-external-in-virtual-time'],
      network: values.network === undefined ? undefined : parseNetwork(values.network),
    },
  };
  try {
    args.shared.network = substrateFor(args.shared, outsideParties(args.shared)); // the subjects' protocols are not known yet: every party counts
  } catch (err) {
    throw usageError((err as Error).message);
  }
  return args;
}

export const run: Command['run'] = async (argv, io) => {
  const args = parseRunArgs(argv);
  const { seed, workers, filter, reporters, shared, shard, baseline } = args;
  const { remote, timeScale } = shared;
  const config = await loadConfig();
  const setup = [...(config.setup ?? []), ...args.setup];
  for (const file of setup) await importSetup(file);
  if (args.subject !== undefined) checkSubject(args.subject);
  const files = resolveScenarioFiles(scenarioPatterns(args, config));
  const planned = await planRuns(files, { filter, subject: args.subject });
  if (planned.runs.length === 0 && planned.failures.length === 0) throw usageError(`no scenario matches --filter ${JSON.stringify(filter)} in ${files.length} file(s)`);
  const part = shard ? selectShard(planned.runs, planned.failures, shard) : undefined;
  const { plan, failures } = part ?? { plan: planned.runs, failures: planned.failures };
  const out = args.out ?? config.out ?? 'reports';

  const mode = remote ? `real time at scale ${timeScale ?? 0.01} through ${remote.url}` : timeScale ? `real time at scale ${timeScale}` : `virtual time on ${shared.network === 'sim' ? 'the simulated network' : 'kernel sockets'}`;
  const which = part ? `shard ${shard!.index}/${shard!.total}: ${plan.length + failures.length} of ${part.ids.length} runs` : `${plan.length} runs`;
  io.stderr.write(`flatline ${FLATLINE_VERSION}: ${which} from ${files.length} files, seed ${seed}, ${workers} worker(s), ${mode}\n`);
  const started = realTimers.dateNow();
  const stream = new RunStream(out);
  const onResult = (r: RunResult, done: number, total: number) => {
    stream.append(r);
    io.stderr.write(progressLine(r, done, total, paintFor(io.stderr, process.env)));
  };
  const runs = await runSuite(plan, failures, { ...shared, seed, workers, isolate: true, plan: { subject: args.subject, setup }, onResult }).finally(() => stream.close());
  const results: ShardedResultsFile = { flatline: FLATLINE_VERSION, seed, summary: summarize(runs, realTimers.dateNow() - started), runs };
  if (part) results.shard = { index: shard!.index, total: shard!.total, plan: part.ids };

  const paint = paintFor(io.stdout, process.env);
  const diff = baseline ? compareWithBaseline(baseline, results, io.stdout, paint, path.join(out, 'diff.json'), shard && ((id) => inShard(id, shard))) : undefined;
  const written = writeReports(results, reporters, out, diff);
  io.stdout.write(summaryText(runs, results.summary, written, paint));
  return regressionExit(baseline, diff, exitCode(runs));
};

/**
 * What `flatline run` runs without files: the built-ins when asked (--builtin; --subject runs the
 * gallery), else the project's own: its config's list, its scenarios/ directory, any *.scenario.ts.
 */
export function scenarioPatterns(args: Pick<RunArgs, 'files' | 'builtin' | 'subject'>, config: FlatlineConfig, cwd = process.cwd()): string[] {
  if (args.files.length > 0) return args.files;
  if (args.builtin) return [BUILT_IN];
  if (args.subject !== undefined) return [path.join(BUILT_IN, 'gallery')];
  if (config.scenarios?.length) return config.scenarios;
  if (fs.existsSync(path.join(cwd, 'scenarios'))) return ['scenarios'];
  if (resolveQuietly(['**/*.scenario.ts'], cwd)) return ['**/*.scenario.ts'];
  throw usageError('no scenarios in this project: write one (npx flatline init writes a starter), pass files, or run the built-in suites with --builtin');
}

function resolveQuietly(patterns: string[], cwd: string): boolean {
  try {
    return resolveScenarioFiles(patterns, cwd).length > 0;
  } catch {
    return false;
  }
}

async function importSetup(file: string): Promise<void> {
  try {
    await importUserModule(file);
  } catch (err) {
    throw new FlatlineError('FLATLINE_ERR_CONFIG', `setup module ${file} does not load: ${(err as Error).message}`);
  }
}

function checkSubject(kind: string): void {
  try {
    findSubject(kind);
  } catch (err) {
    throw usageError(`--subject: ${(err as Error).message}; a subject of your own registers in a --setup module (registerSubject from 'flatline/adapter')`);
  }
}

/** 2 when any run could not be judged, 1 when a verdict failed, 0 otherwise (findings are expected). */
export function exitCode(runs: RunResult[]): number {
  if (runs.some((r) => r.status === 'error')) return 2;
  if (runs.some((r) => r.status === 'fail')) return 1;
  return 0;
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        builtin: { type: 'boolean' },
        subject: { type: 'string' },
        setup: { type: 'string', multiple: true },
        seed: { type: 'string' },
        filter: { type: 'string' },
        out: { type: 'string' },
        reporter: { type: 'string' },
        workers: { type: 'string' },
        'time-limit': { type: 'string' },
        toxiproxy: { type: 'string' },
        'time-scale': { type: 'string' },
        'upstream-host': { type: 'string' },
        'listen-host': { type: 'string' },
        'mqtt-url': { type: 'string' },
        'allow-external-in-virtual-time': { type: 'boolean' },
        shard: { type: 'string' },
        ...BASELINE_OPTIONS,
        network: { type: 'string' },
      },
    });
  } catch (err) {
    throw usageError((err as Error).message);
  }
}

function checkUrl(url: string, flag: string, shape = /^https?:\/\/[^/]+/): string {
  if (!shape.test(url)) {
    const example = flag === '--mqtt-url' ? 'mqtt://127.0.0.1:1883' : 'http://127.0.0.1:8474';
    throw usageError(`${flag} must be a URL like ${example} (got ${JSON.stringify(url)})`);
  }
  return url.replace(/\/+$/, '');
}

function parseNetwork(text: string): NetworkSubstrate {
  const network = NETWORK_SUBSTRATES.find((n) => n === text);
  if (!network) throw usageError(`--network must be ${NETWORK_SUBSTRATES.join(' or ')} (got ${JSON.stringify(text)})`);
  return network;
}

function parseScale(text: string): number {
  const scale = Number(text);
  if (!(scale > 0 && scale <= 1)) throw usageError(`--time-scale must be a number above 0 and at most 1, like 0.01 (got ${JSON.stringify(text)})`);
  return scale;
}

function parseReporters(list: string): Reporter[] {
  const names = list.split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) {
    if (!(REPORTERS as readonly string[]).includes(name)) throw usageError(`unknown reporter "${name}"; use any of ${REPORTERS.join(', ')}`);
  }
  return names as Reporter[];
}

function writeReports(results: ResultsFile, reporters: Reporter[], out: string, diff?: ResultsDiff): string[] {
  fs.mkdirSync(out, { recursive: true });
  const render: Record<Reporter, [string, (r: ResultsFile) => string]> = {
    json: ['results.json', renderJson],
    junit: ['junit.xml', renderJunit],
    html: ['index.html', (r) => renderHtml(r, { diff })],
  };
  return reporters.map((name) => {
    const [file, fn] = render[name];
    const target = path.join(out, file);
    fs.writeFileSync(target, fn(results));
    return target;
  });
}
