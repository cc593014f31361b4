/**
 * One crowd run in a process of its own, so that its peak RSS is its own: prints one JSON line.
 * argv: kind size network hours [faults: proxy | sim] [runs]
 * Each run is timed from creating its world to the clients' timelines (runCrowd's wallMs): the
 * modules are loaded before the first, and closing the world is not counted. Its CPU figures, and
 * what its main thread did with its time, cover the whole call, the close included. With runs > 1
 * the same crowd runs again in the same process (a suite's worker is warm after its first runs); the
 * top level figures are the last run's and `perRun` has every run's.
 */
import '../harness/subjects/index.ts';
import { runCrowd, type CrowdResult } from '../test/support/crowd.ts';
import type { NetworkSubstrate } from '../harness/scenario/world.ts';
import { realTimers } from '../harness/clock/clock.ts';
import { mainThreadTimeSince } from './process-cpu.ts';

const [kind = 'tcp', size = '1', network = 'sim', hours = '1', faults = 'proxy', runs = '1'] = process.argv.slice(2);
/**
 * One run's wall time; CPU of the whole process (V8's compiler and GC threads included) and of its
 * main thread alone; and the rest of the main thread's time during the call: waiting for a core
 * (run queue) or off the run queue (asleep: blocked in a system call, a lock, a page fault).
 */
interface RunFigures {
  wallMs: number;
  cpuMs: number;
  mainCpuMs: number | undefined;
  mainRunQueueMs: number | undefined;
  mainAsleepMs: number | undefined;
}
const perRun: RunFigures[] = [];
let result!: CrowdResult;
for (let i = 0; i < Number(runs); i++) {
  const cpuStart = process.cpuUsage();
  const main = mainThreadTimeSince(process.pid);
  const callStart = realTimers.performanceNow();
  result = await runCrowd({
    kind,
    size: Number(size),
    network: network as NetworkSubstrate,
    horizonMs: Number(hours) * 3_600_000,
    spreadMs: 180_000,
    natMs: 300_000,
    latencyMs: 80,
    options: kind === 'mqtt' ? {} : { heartbeat: { interval: '3m' } },
    faults: faults as 'proxy' | 'sim',
  });
  const callMs = realTimers.performanceNow() - callStart;
  const cpu = process.cpuUsage(cpuStart);
  const thread = main();
  perRun.push({
    wallMs: result.wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    mainCpuMs: thread?.cpuMs,
    mainRunQueueMs: thread?.runQueueMs,
    // The kernel brings a thread's schedstat up to date at its context switches, so the rest can come out a little below 0.
    mainAsleepMs: thread && Math.max(0, callMs - thread.cpuMs - thread.runQueueMs),
  });
}
const last = perRun.at(-1)!;
console.log(
  JSON.stringify({
    wallMs: last.wallMs,
    firstWallMs: perRun[0]!.wallMs,
    cpuMs: last.cpuMs,
    mainCpuMs: last.mainCpuMs,
    perRun,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    events: result.events,
    distinct: new Set(result.timelines).size,
  }),
);
