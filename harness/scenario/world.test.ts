import { describe, expect, it } from 'vitest';
import type { RunResult } from './results.ts';
import { runScenario } from './runner.ts';
import { defineScenario } from './scenario.ts';

const KINDS = ['rws', 'mqtt', 'mqttjs', 'seed-raw'] as const;

/**
 * The proxy stops listening for 50 s: every reconnect meets ECONNREFUSED, whose text (in rws' close
 * reason, mqtt.js' errors) carries the address it failed to reach.
 */
const refused = (kind: (typeof KINDS)[number]) =>
  defineScenario({
    name: `connection refused while the proxy is disabled [${kind}]`,
    subject: { kind },
    timeline: [
      { at: 0, do: 'connect' },
      { at: '10s', do: 'disable-proxy' },
      { at: '20s', do: 'send', count: 3, every: '1s' },
      { at: '1m', do: 'enable-proxy' },
    ],
    checks: [{ check: 'delivery', guarantee: 'at-most-once' }],
    horizon: '2m',
  });

async function runAll(): Promise<RunResult[]> {
  const results: RunResult[] = [];
  // the kernel substrate: its listeners get other ephemeral ports every run (the sim's are fixed)
  for (const kind of KINDS) results.push(await runScenario(refused(kind), { seed: 1, file: 'world.test.ts', network: 'kernel' }));
  return results;
}

/** What a run reports, less its real-time cost. */
const bytes = (runs: RunResult[]) => JSON.stringify(runs, (key, value: unknown) => (key === 'wallMs' ? undefined : value));

describe('World on the kernel substrate: client traces carry no ephemeral ports', () => {
  it('names the refusing proxy in connect errors, so two runs on different ports give the same bytes', async () => {
    const first = await runAll();
    const second = await runAll(); // fresh listeners, on other ports
    expect(first.map((r) => [r.status, r.error?.message])).toEqual(KINDS.map(() => ['pass', undefined]));
    const reasons = first.flatMap((r) => r.trace.filter((e) => typeof e.reason === 'string').map((e) => e.reason as string));
    expect(reasons).toContain('closed 1000: connect ECONNREFUSED proxy:server'); // rws
    expect(reasons.filter((r) => /\d:\d/.test(r))).toEqual([]);
    expect(bytes(second)).toBe(bytes(first));
  });
});
