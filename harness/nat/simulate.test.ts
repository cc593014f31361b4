import { describe, expect, it } from 'vitest';
import { findProfile } from './profiles.ts';
import { natProbes, simulateNat } from './simulate.ts';

const M = 60_000;

describe('natProbes', () => {
  it('a keep-alive window of 3 x the longer of the NAT timeout and H + T, and the worst-case detection', () => {
    const [keepalive, detection] = natProbes({ heartbeatMs: 3 * M, replyTimeoutMs: 10_000, subject: 'ws', profile: findProfile('cn-mobile-unicom') });
    expect(keepalive!.cell).toEqual({ heartbeat: '3m', timeout: '10s', nat: 'cn-mobile-unicom', subject: 'ws', probe: 'keepalive' });
    expect(keepalive!.scenario).toMatchObject({
      name: 'nat keep-alive [heartbeat=3m timeout=10s nat=cn-mobile-unicom subject=ws]',
      subject: { kind: 'ws', options: { heartbeat: { interval: 3 * M, timeout: 10_000 } } },
      network: { nat: 'cn-mobile-unicom' },
      checks: [{ check: 'keepalive', window: 15 * M }],
      finding: undefined,
    });
    expect(detection!.cell.probe).toBe('detection');
    expect(detection!.scenario.timeline[1]).toEqual({
      at: 0,
      do: 'add-toxic',
      toxic: { name: 'mapping-lost', type: 'nat_idle', stream: 'downstream', attributes: { timeout: 1, refresh: 'both', on_expiry: 'drop' } },
    });
    expect(detection!.scenario.checks).toEqual([{ check: 'detection', death: { toxic: 'mapping-lost' }, bound: 190_000 }]);
  });

  it('expects a too-long heartbeat to break (a finding, not a failure), and waits long enough to see it', () => {
    const [keepalive] = natProbes({ heartbeatMs: 6 * M, replyTimeoutMs: 10_000, subject: 'tcp', profile: findProfile('aws-alb') });
    expect(keepalive!.scenario.checks).toEqual([{ check: 'keepalive', window: 3 * (6 * M + 10_000) }]);
    expect(keepalive!.scenario.finding).toMatch(/^predicted: heartbeat 6m is not shorter than the AWS Application Load Balancer/);
  });
});

describe('simulateNat', () => {
  it('runs each cell in virtual time and agrees with the arithmetic, RST and silent drop alike', async () => {
    const { cells, results } = await simulateNat({ heartbeatsMs: [6 * M], replyTimeoutMs: 10_000, subject: 'tcp', profiles: [findProfile('aws-alb'), findProfile('gcp-cloud-nat')], seed: 4 });
    expect(cells.map((c) => [c.nat, c.survived, c.detectionMs, c.disagreements])).toEqual([
      ['aws-alb', false, 6 * M, []],
      ['gcp-cloud-nat', true, 6 * M + 10_000, []],
    ]);
    expect(results.runs.map((r) => r.status)).toEqual(['finding', 'pass', 'pass', 'pass']);
    expect(results.summary).toMatchObject({ total: 4, finding: 1, pass: 3 });
    expect(results.runs[0]!.replay).toBe('flatline nat --simulate --heartbeat 6m --timeout 10s --subject tcp --networks aws-alb --seed 4');
  });
});

describe('holding a heartbeat for a day', () => {
  it('breaks when the heartbeat is too long for the NAT, holds when it is not', async () => {
    const { holdProbe } = await import('./simulate.ts');
    const { runScenario } = await import('../scenario/runner.ts');
    const profile = findProfile('cn-mobile-unicom');
    const held = holdProbe({ heartbeatMs: 4 * M, replyTimeoutMs: 10_000, subject: 'tcp', profile }, 24 * 60 * M);
    expect(held.cell).toEqual({ heartbeat: '4m', timeout: '10s', nat: 'cn-mobile-unicom', subject: 'tcp', probe: 'hold' });
    const ok = await runScenario(held.scenario, { seed: 1, file: 'x', cell: held.cell });
    expect(ok.verdicts[0]).toMatchObject({ check: 'keepalive', status: 'pass', bound: { windowMs: 24 * 60 * M, natTimeoutMs: 5 * M } });
    expect(ok.trace.filter((e) => e.type === 'heartbeat.sent').length).toBe(360);
    const tooLong = holdProbe({ heartbeatMs: 6 * M, replyTimeoutMs: 10_000, subject: 'tcp', profile }, 24 * 60 * M);
    expect((await runScenario(tooLong.scenario, { seed: 1, file: 'x', cell: tooLong.cell })).status).toBe('fail');
  }, 120_000);

  it('plays a custom NAT by its attributes, and drives MQTT subjects by keepalive', async () => {
    const { customProfile } = await import('./profiles.ts');
    const [custom] = natProbes({ heartbeatMs: 4 * M, replyTimeoutMs: 10_000, subject: 'tcp', profile: customProfile(270_000) });
    expect(custom!.scenario.network).toEqual({ nat: { timeout: 270_000, refresh: 'both', on_expiry: 'drop' } });
    expect(custom!.cell.nat).toBe('4m30s');
    const [mqtt] = natProbes({ heartbeatMs: 4 * M, replyTimeoutMs: 10_000, subject: 'mqtt', profile: findProfile('aws-nat-gateway') });
    expect(mqtt!.scenario.subject).toEqual({ kind: 'mqtt', options: { keepalive: 4 * M } });
    expect(mqtt!.cell.timeout).toBe('2m');
    const [raw] = natProbes({ heartbeatMs: 4 * M, replyTimeoutMs: 10_000, subject: 'mqttjs', profile: findProfile('aws-nat-gateway') });
    expect(raw!.scenario.subject).toEqual({ kind: 'mqttjs', options: { keepalive: 240 } });
  });
});
