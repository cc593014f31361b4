/**
 * One crowd run in a process of its own, so that its peak RSS is its own: prints one JSON line.
 * argv: kind size network hours [faults: proxy | sim]
 */
import '../harness/subjects/index.ts';
import { runCrowd } from '../test/support/crowd.ts';
import type { NetworkSubstrate } from '../harness/scenario/world.ts';

const [kind = 'tcp', size = '1', network = 'sim', hours = '1', faults = 'proxy'] = process.argv.slice(2);
const cpuStart = process.cpuUsage();
const result = await runCrowd({
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
const cpu = process.cpuUsage(cpuStart);
console.log(
  JSON.stringify({
    wallMs: result.wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    events: result.events,
    distinct: new Set(result.timelines).size,
  }),
);
