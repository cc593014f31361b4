/**
 * One fleet restart storm in a process of its own, so that its peak RSS is its own: prints one
 * JSON line. argv: kind size [wall limit in minutes, default 15: the bench's own guard; a 100,000
 * storm on a machine shared at load 15 gets a fifth of a core and needs longer]
 */
import '../harness/subjects/index.ts';
import { runScenario } from '../harness/scenario/runner.ts';
import { restartStorm } from '../scenarios/fleet/storm.ts';

const [kind = 'tcp', size = '1000', limitMinutes = '15'] = process.argv.slice(2);
const cpuStart = process.cpuUsage();
const started = performance.now();
// The reference client with full jitter and no immediate first retry: the suite's well-behaved case.
const subject = { kind: kind as 'tcp', options: { backoff: { jitter: 'full' as const, immediateFirst: false } } };
const result = await runScenario(restartStorm(`bench ${kind} x ${size}`, subject, undefined, Number(size)), { seed: 1, file: 'bench', wallLimitMs: Number(limitMinutes) * 60_000 });
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuStart);
const herd = result.verdicts[0];
console.log(
  JSON.stringify({
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    events: result.trace.length,
    error: result.error?.message,
    back: herd?.measured.back,
    affected: herd?.measured.affected,
    peakReconnects: herd?.measured.peakReconnects,
  }),
);
