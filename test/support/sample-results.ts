/**
 * Test and benchmark support: a small real run to build reports from. It has every status (a
 * backoff and a detection that fail, an error, an expected finding), hostile text in names and
 * errors, messages, reconnects, and a heartbeat x NAT matrix from `flatline nat --simulate`.
 */
import { FLATLINE_VERSION } from '../../harness/net/api/version.ts';
import { NAT_PROFILES } from '../../harness/nat/profiles.ts';
import { simulateNat } from '../../harness/nat/simulate.ts';
import type { PlannedRun } from '../../harness/scenario/loader.ts';
import { summarize, type ResultsFile } from '../../harness/scenario/results.ts';
import type { Scenario } from '../../harness/scenario/scenario.ts';
import { runSuite } from '../../harness/scenario/suite.ts';

export const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
export const HOSTILE_SUBJECT = '<script>alert(2)</script>';
export const HOSTILE_FINDING = '<b>not bold</b> & not markup';

const heartbeat = { interval: '30s', timeout: '5s' };
const restart = (name: string, check: Scenario['checks'][number]): Scenario => ({
  name,
  subject: { kind: 'tcp', options: { heartbeat, backoff: { base: '2s', cap: '8s' } } },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '5s', do: 'send', count: 10, every: '1s' },
    { at: '30s', do: 'stop-server', mode: 'crash' },
    { at: '1m', do: 'start-server' },
  ],
  checks: [check, { check: 'delivery', guarantee: 'at-least-once' }],
  horizon: '2m',
});

export const SAMPLE_SCENARIOS: Scenario[] = [
  restart('restart: reconnects follow the schedule', { check: 'backoff' }),
  restart('restart: held to a schedule the client does not follow', { check: 'backoff', expect: { exact: [0, 1000, 2000] } }),
  {
    name: 'blackhole: detection bound too tight',
    subject: { kind: 'tcp', options: { heartbeat } },
    timeline: [
      { at: 0, do: 'connect' },
      { at: '1m', do: 'add-toxic', toxic: { name: 'cut', type: 'blackhole', stream: 'downstream' } },
      { at: '3m', do: 'remove-toxic', name: 'cut' },
    ],
    checks: [{ check: 'detection', death: { toxic: 'cut' }, bound: '1s' }],
    horizon: '4m',
  },
  {
    name: HOSTILE_NAME,
    subject: { kind: 'ws', options: { heartbeat } },
    network: { toxics: [{ name: 'lag', type: 'latency', attributes: { latency: 100 } }] },
    timeline: [
      { at: 0, do: 'connect' },
      { at: '2s', do: 'send', count: 5, every: '1s' },
    ],
    checks: [{ check: 'delivery', guarantee: 'exactly-once' }],
    horizon: '1m',
  },
  {
    name: 'a subject that does not exist',
    subject: { kind: HOSTILE_SUBJECT as 'tcp' },
    timeline: [{ at: 0, do: 'connect' }],
    checks: [{ check: 'keepalive', window: '1m' }],
    horizon: '2m',
  },
  {
    name: 'heartbeat 6m behind a 5m NAT',
    subject: { kind: 'tcp', options: { heartbeat: { interval: '6m' } } },
    network: { nat: 'cn-mobile-unicom' },
    timeline: [{ at: 0, do: 'connect' }],
    checks: [{ check: 'keepalive', window: '15m' }],
    horizon: '16m',
    finding: HOSTILE_FINDING,
  },
];

/** The heartbeat x NAT part: 2 heartbeats x 2 profiles, two probes each. */
export const SAMPLE_MATRIX = { heartbeatsMs: [180_000, 360_000], profiles: ['cn-mobile-unicom', 'aws-nat-gateway'] };

export async function sampleResults(seed = 1): Promise<ResultsFile> {
  const plan: PlannedRun[] = SAMPLE_SCENARIOS.map((scenario, index) => ({ file: 'sample.scenario.ts', index, position: index, scenario }));
  const runs = await runSuite(plan, [], { seed, workers: 1 });
  const nat = await simulateNat({
    heartbeatsMs: SAMPLE_MATRIX.heartbeatsMs,
    replyTimeoutMs: 10_000,
    subject: 'tcp',
    profiles: NAT_PROFILES.filter((p) => SAMPLE_MATRIX.profiles.includes(p.id)),
    seed,
  });
  const all = [...runs, ...nat.results.runs];
  return { flatline: FLATLINE_VERSION, seed, summary: summarize(all, all.reduce((sum, r) => sum + r.wallMs, 0)), runs: all };
}
