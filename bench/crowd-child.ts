/**
 * One crowd run in a process of its own, so that its peak RSS is its own: prints one JSON line.
 * argv: kind size network hours [faults: proxy | sim] [runs]
 * With runs > 1 the same crowd runs again in the same process and the last run's figures are
 * printed (`firstWallMs` is the first's): a suite's worker is warm after its first run.
 */
import '../harness/subjects/index.ts';
import { runCrowd, type CrowdResult } from '../test/support/crowd.ts';
import type { NetworkSubstrate } from '../harness/scenario/world.ts';

const [kind = 'tcp', size = '1', network = 'sim', hours = '1', faults = 'proxy', runs = '1'] = process.argv.slice(2);
let firstWallMs: number | undefined;
let result!: CrowdResult;
let cpu!: NodeJS.CpuUsage;
for (let i = 0; i < Number(runs); i++) {
  const cpuStart = process.cpuUsage();
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
  cpu = process.cpuUsage(cpuStart);
  firstWallMs ??= result.wallMs;
}
console.log(
  JSON.stringify({
    wallMs: result.wallMs,
    firstWallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    events: result.events,
    distinct: new Set(result.timelines).size,
  }),
);
