import { execFile } from 'node:child_process';
import { compiledChild } from './compiled.ts';
import { fmt, heading, row } from './support.ts';

const CHILD = new URL('./crowd-child.ts', import.meta.url);
const LOOP_FLOOR_CHILD = new URL('./loop-floor-child.ts', import.meta.url);
/** A kernel crowd that takes longer than this is stopped: its cost grows with the square of its size. */
const KERNEL_LIMIT_MS = 120_000;

interface CrowdFigures {
  wallMs: number;
  /** The first run's wall time, when the crowd ran more than once in its process. */
  firstWallMs: number;
  cpuMs: number;
  /** Every run in the process: wall, CPU of the process, CPU of its main thread (bench/crowd-child.ts). */
  perRun: { wallMs: number; cpuMs: number; mainCpuMs?: number; mainRunQueueMs?: number; mainAsleepMs?: number }[];
  peakRssMb: number;
  events: number;
  distinct: number;
}

/** A crowd's figures; `stopped` past its time limit; a message when the run itself failed. */
function crowd(kind: string, size: number, network: string, hours: number, limitMs: number, faults: Faults = 'proxy', runs = 1): Promise<CrowdFigures | 'stopped' | string> {
  return new Promise((resolve) => {
    execFile(process.execPath, [compiledChild(CHILD), kind, String(size), network, String(hours), faults, String(runs)], { timeout: limitMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err && (err as { killed?: boolean }).killed) return resolve('stopped');
      if (err) return resolve(/FlatlineError: ([^\n]+)/.exec(stderr)?.[1] ?? err.message.split('\n')[0]!);
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as CrowdFigures);
    });
  });
}

/** Where the NAT and latency are: proxy toxics, or the sim's own NAT and path (test/support/crowd.ts). */
type Faults = 'proxy' | 'sim';

/**
 * The substrates at fleet sizes: N clients x 1 h virtual (3m heartbeat, 5m nat_idle, 80 ms latency
 * each way, connects spread over the first 3 minutes), each in a process of its own. On sim, also
 * with the NAT and the latency in the simulated network itself (no proxy), as a sim world has them.
 * Targets: 10,000 tcp or ws clients under 20 s and 1 GB on 2 cores; cost per client at 10,000 no
 * more than 1.5x that at 100.
 */
export async function benchSim(): Promise<void> {
  heading('Substrates: N clients x 1 h (3m heartbeat, 5m NAT, 80 ms, spread 3m)', 'wall', 'cpu', 'peak RSS', 'per client', 'timelines');
  const plan: [string, string, number[], Faults][] = [
    ['tcp', 'sim', [1, 100, 1_000, 10_000], 'proxy'],
    ['tcp', 'sim', [1, 100, 1_000, 10_000], 'sim'],
    ['ws', 'sim', [1, 100, 1_000, 10_000], 'proxy'],
    ['ws', 'sim', [1, 100, 1_000, 10_000], 'sim'],
    ['mqtt', 'sim', [1, 100, 1_000, 10_000], 'proxy'],
    ['tcp', 'kernel', [1, 100, 1_000], 'proxy'],
  ];
  for (const [kind, network, sizes, faults] of plan) {
    const perClient = new Map<number, number>();
    for (const size of sizes) {
      const label = `${kind} on ${network}${faults === 'sim' ? ' (sim NAT + path)' : ''}, ${size.toLocaleString('en-US')} clients`;
      const limit = network === 'kernel' ? KERNEL_LIMIT_MS : 600_000;
      const figures = await crowd(kind, size, network, 1, limit, faults);
      if (figures === 'stopped') {
        row(label, `> ${fmt.s(limit)}`, 'stopped');
        continue;
      }
      if (typeof figures === 'string') {
        row(label, `failed: ${figures}`);
        continue;
      }
      row(label, fmt.s(figures.wallMs), fmt.s(figures.cpuMs), `${figures.peakRssMb.toFixed(0)} MB`, fmt.ms(figures.cpuMs / size), figures.distinct === 1 ? 'all alike' : `${figures.distinct} distinct`);
      perClient.set(size, figures.cpuMs / size);
    }
    const [small, large] = [perClient.get(100), perClient.get(10_000)];
    if (small && large) row('  cpu per client at 10,000 / at 100 (target <= 1.5)', fmt.ratio(large / small));
  }
}

/**
 * One idle link for a day of virtual time, as a run of the suite has it (target: at least
 * 3,000,000x real time, 28.8 ms).
 */
export async function benchIdleDay(): Promise<void> {
  // A run in a fresh process spends most of its time in V8's interpreter and baseline code, and
  // its compiler threads optimise the hot code for several runs more: a suite's worker pays that
  // once, a single `flatline run` every time. So the 1st, 5th and 20th runs of three processes each.
  const DAY = 24 * 3_600_000;
  const RUNS = 20;
  const PROCESSES = 3;
  heading(
    `Substrates: one idle tcp link for 24 h on sim, 3m heartbeat, 5m NAT, 80 ms (${PROCESSES} processes x ${RUNS} runs;\n  a run is timed from creating its world to its timelines, the modules loaded before; cpu: all threads;\n  the main thread's time, the close included: on cpu, waiting for a core, asleep)`,
    'wall',
    'compression',
    'cpu',
    'main: cpu',
    'run queue',
    'asleep',
  );
  const range = (values: (number | undefined)[]) => (values.some((v) => v === undefined) ? 'n/a' : `${Math.min(...(values as number[])).toFixed(1)}–${Math.max(...(values as number[])).toFixed(1)} ms`);
  const shown = [1, 5, RUNS];
  // The day itself, then what any day costs before its first packet: the world alone (36 virtual
  // seconds of it) and node's loop alone, one turn per instant.
  const worlds: [label: string, faults: Faults, hours: number][] = [
    ['proxy toxics', 'proxy', 24],
    ['sim NAT + path', 'sim', 24],
    ['floor: the world, 36 s', 'sim', 0.01],
  ];
  for (const [label, faults, hours] of worlds) {
    const processes: CrowdFigures[] = [];
    for (let i = 0; i < PROCESSES; i++) {
      const figures = await crowd('tcp', 1, 'sim', hours, 600_000, faults, RUNS);
      if (typeof figures !== 'object') {
        row(label, figures);
        break;
      }
      processes.push(figures);
    }
    if (processes.length < PROCESSES) continue;
    for (const run of shown) {
      const runs = processes.map((p) => p.perRun[run - 1]!);
      const best = Math.min(...runs.map((r) => r.wallMs));
      row(
        `${label}, run ${run}`,
        range(runs.map((r) => r.wallMs)),
        hours === 24 ? fmt.x(DAY / best) : '-',
        range(runs.map((r) => r.cpuMs)),
        range(runs.map((r) => r.mainCpuMs)),
        range(runs.map((r) => r.mainRunQueueMs)),
        range(runs.map((r) => r.mainAsleepMs)),
      );
    }
  }
  const floors: number[][] = [];
  for (let i = 0; i < PROCESSES; i++) floors.push(await loopFloor(DAY_INSTANTS, RUNS));
  for (const run of shown) row(`floor: ${DAY_INSTANTS.toLocaleString('en-US')} loop turns, run ${run}`, range(floors.map((f) => f[run - 1])));
}

/**
 * The virtual instants of the idle day above (480 heartbeats, each a ping, the server's answer,
 * the pong's arrival, the client's delayed ACK and its arrival; counted in session 6).
 */
const DAY_INSTANTS = 2_401;

/** Each run's ms for `turns` chained empty immediates in a fresh process (bench/loop-floor-child.ts). */
function loopFloor(turns: number, runs: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [compiledChild(LOOP_FLOOR_CHILD), String(turns), String(runs)], (err, stdout) => {
      if (err) return reject(err);
      resolve((JSON.parse(stdout) as { perRunMs: number[] }).perRunMs);
    });
  });
}
