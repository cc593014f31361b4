import { execFile } from 'node:child_process';
import { compiledChild } from './compiled.ts';
import { fmt, heading, row } from './support.ts';

const CHILD = new URL('./fleet-child.ts', import.meta.url);

interface StormFigures {
  wallMs: number;
  cpuMs: number;
  peakRssMb: number;
  events: number;
  error?: string;
  back?: number;
  affected?: number;
}

function storm(kind: string, size: number): Promise<StormFigures | string> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--max-old-space-size=8192', compiledChild(CHILD), kind, String(size)], { timeout: 900_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err && (err as { killed?: boolean }).killed) return resolve('stopped after 15 minutes');
      if (err) return resolve(/FlatlineError: ([^\n]+)/.exec(stderr)?.[1] ?? err.message.split('\n')[0]!);
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as StormFigures);
    });
  });
}

/**
 * The suite's restart storm (scenarios/fleet/storm.ts: connects over 1 min, crash at 2m, back 30 s
 * later, 5 min virtual) at fleet sizes, each in a process of its own, one sim host per client.
 * Targets: 10,000 clients under 30 s and 1 GB; 100,000 under 5 minutes and 6 GB, on 2 cores.
 */
export async function benchFleet(): Promise<void> {
  heading('Fleets: restart storm (spread 1m, crash at 2m, back at 2m30s, 5m virtual; compiled JavaScript)', 'wall', 'cpu', 'peak RSS', 'events', 'back');
  const plan: [string, number][] = [
    ['tcp', 1_000],
    ['tcp', 10_000],
    ['ws', 10_000],
    ['tcp', 100_000],
  ];
  for (const [kind, size] of plan) {
    const label = `${kind}, ${size.toLocaleString('en-US')} clients`;
    const figures = await storm(kind, size);
    if (typeof figures === 'string' || figures.error) {
      row(label, `failed: ${typeof figures === 'string' ? figures : figures.error}`);
      continue;
    }
    row(label, fmt.s(figures.wallMs), fmt.s(figures.cpuMs), `${figures.peakRssMb.toFixed(0)} MB`, figures.events.toLocaleString('en-US'), `${figures.back} of ${figures.affected}`);
  }
}
