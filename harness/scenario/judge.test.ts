import { describe, expect, it } from 'vitest';
import { merge, rows } from '../checks/fixture.ts';
import { judge } from './judge.ts';
import { statusOf } from './results.ts';
import { runScenario } from './runner.ts';
import type { CheckSpec } from './scenario.ts';

describe('the keep-alive verdict', () => {
  it('names the NAT timeout its window is held against, from the NAT in the run', async () => {
    const result = await runScenario(
      { name: 'nat', subject: { kind: 'tcp' }, network: { nat: 'cn-mobile-unicom' }, timeline: [{ at: 0, do: 'connect' }], checks: [{ check: 'keepalive', window: '15m' }], horizon: '16m' },
      { seed: 1, file: 'inline.scenario.ts' },
    );
    const verdict = result.verdicts[0]!;
    expect(verdict.bound).toEqual({ windowMs: 900_000, natTimeoutMs: 300_000 });
    expect(verdict.summary).toMatch(/15m \(3 x NAT timeout 5m\)/);
  });

  it('leaves it empty when the run has no NAT', async () => {
    const result = await runScenario(
      { name: 'no nat', subject: { kind: 'tcp' }, timeline: [{ at: 0, do: 'connect' }], checks: [{ check: 'keepalive', window: '5m' }], horizon: '6m' },
      { seed: 1, file: 'inline.scenario.ts' },
    );
    expect(result.verdicts[0]!.bound).toEqual({ windowMs: 300_000, natTimeoutMs: null });
  });
});

const CLIENT = 'client:subject';
const trace = merge(
  rows(CLIENT, [
    [0, 'connected'],
    [1000, 'message.sent', { id: 'a' }],
    [1010, 'message.acked', { id: 'a' }],
    [50_000, 'link.dead', { reason: 'heartbeat timeout' }],
  ]),
  rows('server:server', [[1005, 'message.delivered', { id: 'a' }]]),
  rows('proxy:server', [[30_000, 'toxic.added', { toxic: 'cut' }]]),
);

describe('judge', () => {
  it('judges each check on its own: one that throws is that check\'s error, the others stand', () => {
    const checks = [
      { check: 'delivery', guarantee: 'at-least-once' },
      { check: 'detection', death: { toxic: 'cut' }, bound: 'soon' }, // validation refuses this; here it reaches the check
      { check: 'detection', death: { toxic: 'cut' }, bound: '30s' },
    ] as CheckSpec[];
    const verdicts = judge(checks, trace, CLIENT, {}, 60_000);
    expect(verdicts.map((v) => [v.check, v.status])).toEqual([
      ['delivery', 'pass'],
      ['detection', 'error'],
      ['detection', 'pass'],
    ]);
    expect(verdicts[1]!.summary).toMatch(/^checks\[1\] \(detection\) could not be judged: .*checks\[1\] \(detection\)\.bound/);
    expect(verdicts[2]!.measured.detectionMs).toBe(20_000);
    expect(statusOf(verdicts, undefined)).toBe('error'); // the run could not be judged whole: exit 2, its verdicts kept
  });
});
