import { describe, expect, it } from 'vitest';
import type { InsideFirst } from '../sim/nat-outcome.ts';
import { findProfile, NAT_PROFILES, type NatProfile } from './profiles.ts';
import { natProbes, simulateNat } from './simulate.ts';
import { replyTimeoutFor, type SimulatedSubject } from './subjects.ts';

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
    // the profile's own NAT on the simulated path, with a 1 ms idle timeout: every mapping is lost right after the last traffic
    expect(detection!.scenario.network).toEqual({ nat: { profile: 'cn-mobile-unicom', timeout: 1 } });
    expect(detection!.scenario.checks).toEqual([{ check: 'detection', death: { event: 'nat.expired' }, bound: 190_000 }]);
  });

  it('where the profile picks the connection up on the same port, the worst case asks for no alarm at all', () => {
    const [, detection] = natProbes({ heartbeatMs: 3 * M, replyTimeoutMs: 10_000, subject: 'tcp', profile: findProfile('linux-conntrack') });
    expect(detection!.scenario.checks).toEqual([{ check: 'no-false-alarm', from: { event: 'nat.expired' } }]);
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
  });

  it('the same for raw mqtt.js: a 4m keepalive holds a 5m NAT for a day, 6m breaks it', async () => {
    const { holdProbe } = await import('./simulate.ts');
    const { runScenario } = await import('../scenario/runner.ts');
    const profile = findProfile('cn-mobile-unicom');
    const hold = (heartbeatMs: number) => holdProbe({ heartbeatMs, replyTimeoutMs: 10_000, subject: 'mqttjs', profile }, 24 * 60 * M);
    const held = hold(4 * M);
    const ok = await runScenario(held.scenario, { seed: 1, file: 'x', cell: held.cell });
    expect(ok.verdicts[0]).toMatchObject({ check: 'keepalive', status: 'pass', bound: { windowMs: 24 * 60 * M, natTimeoutMs: 5 * M } });
    expect(ok.trace.filter((e) => e.type === 'nat.expired')).toEqual([]);
    const tooLong = hold(6 * M);
    expect((await runScenario(tooLong.scenario, { seed: 1, file: 'x', cell: tooLong.cell })).status).toBe('fail');
  });

  it('plays a custom NAT by its attributes, and drives MQTT subjects by keepalive', async () => {
    const { customProfile } = await import('./profiles.ts');
    const [custom] = natProbes({ heartbeatMs: 4 * M, replyTimeoutMs: 10_000, subject: 'tcp', profile: customProfile(270_000) });
    expect(custom!.scenario.network).toEqual({ nat: { timeout: 270_000, loose: false, port: 'random', filter: true, reset_inside: false, refresh: 'both' } });
    expect(custom!.cell.nat).toBe('4m30s');
    const [mqtt] = natProbes({ heartbeatMs: 4 * M, replyTimeoutMs: 10_000, subject: 'mqtt', profile: findProfile('aws-nat-gateway') });
    expect(mqtt!.scenario.subject).toEqual({ kind: 'mqtt', options: { keepalive: 4 * M } });
    expect(mqtt!.cell.timeout).toBe('2m');
    const [raw] = natProbes({ heartbeatMs: 4 * M, replyTimeoutMs: 10_000, subject: 'mqttjs', profile: findProfile('aws-nat-gateway') });
    expect(raw!.scenario.subject).toEqual({ kind: 'mqttjs', options: { keepalive: 240 } });
  });
});

/**
 * The arithmetic (compare.ts) and the simulated NAT (sim/nat.ts) read one table of expiry outcomes
 * (sim/nat-outcome.ts); these runs check the table against what TCP then does on the path: for every
 * profile, a heartbeat longer than its timeout, what the client observes in the worst case.
 */
describe('the prediction against a simulated run of the same profile, for every profile', () => {
  const OUTCOME: Record<string, InsideFirst> = {
    'linux-conntrack': 'pickup',
    'carrier-grade': 'pickup-new-port',
    'aws-nat-gateway': 'reset-by-nat',
    'aws-nlb': 'reset-by-nat',
    'aws-alb': 'reset-by-nat',
    'azure-nat-gateway': 'reset-by-nat',
  };
  /** What the client declares the link dead with: an RST (from the NAT, or from the server for a new port), or its heartbeat's timeout. */
  const REASON: Record<InsideFirst, RegExp | undefined> = {
    pickup: undefined,
    'pickup-new-port': /^(read )?ECONNRESET$/,
    'reset-by-nat': /^(read )?ECONNRESET$/,
    dropped: /^(heartbeat timeout: no reply within 10s|keepalive timeout: no PINGRESP within 1.5 x keepalive)$/,
    leaked: /^(heartbeat timeout: no reply within 10s|keepalive timeout: no PINGRESP within 1.5 x keepalive)$/,
  };

  async function observe(profile: NatProfile, subject: SimulatedSubject) {
    const heartbeatMs = profile.idleTimeoutMs + M;
    const { cells, results } = await simulateNat({ heartbeatsMs: [heartbeatMs], replyTimeoutMs: 10_000, subject, profiles: [profile], seed: 1 });
    const probe = results.runs.find((r) => r.cell?.probe === 'detection')!;
    const dead = probe.trace.find((e) => e.source === 'client:subject' && e.type === 'link.dead');
    return { cell: cells[0]!, heartbeatMs, dead, statuses: results.runs.map((r) => r.status) };
  }

  /** raw mqtt.js: each profile's semantics with a 5-minute timeout, since a keepalive cannot outlast the longest ones (65,535 s). */
  const fiveMinutes = (profile: NatProfile): NatProfile => ({ ...profile, id: '5m', idleTimeoutMs: 5 * M });
  const cases = (['tcp', 'mqttjs'] as const).flatMap((subject) => NAT_PROFILES.map((p) => [p.id, subject, subject === 'tcp' ? p : fiveMinutes(p)] as const));

  it.each(cases)('%s, %s: the predicted outcome is the simulated one', async (id, subject, profile) => {
    const { cell, heartbeatMs, dead, statuses } = await observe(profile, subject);
    const outcome = OUTCOME[id] ?? 'dropped';
    expect(cell.predicted.outcome).toBe(outcome);
    expect(cell.disagreements).toEqual([]);
    expect(cell.survived).toBe(outcome === 'pickup');
    expect(statuses).toEqual([outcome === 'pickup' ? 'pass' : 'finding', 'pass']);
    if (outcome === 'pickup') {
      expect(dead).toBeUndefined();
      expect(cell.detectionMs).toBeNull();
    } else {
      expect(String(dead?.reason)).toMatch(REASON[outcome]!);
      expect(cell.detectionMs).toBe(outcome === 'dropped' ? heartbeatMs + replyTimeoutFor(subject, heartbeatMs, 10_000) : heartbeatMs);
    }
  });
});
