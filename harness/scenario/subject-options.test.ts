import { describe, expect, it } from 'vitest';
import { blackhole, serverRestart } from '../../scenarios/cases.ts';
import { runScenario } from './runner.ts';
import type { Scenario } from './scenario.ts';

const run = (scenario: Scenario) => runScenario(scenario, { seed: 1, file: 'options.scenario.ts' });

describe('checks and subject options a scenario writes', () => {
  it('judges a backoff expectation written as a policy against the schedule it gives (the tcp client retries at 0, 2 s, 4 s …)', async () => {
    const natural = await run({ name: 'natural', subject: { kind: 'tcp' }, ...serverRestart([{ check: 'backoff', expect: { base: '1s', factor: 2, cap: '8s' } }]) });
    expect(natural.status).toBe('fail');
    expect(natural.verdicts[0]!.summary).toMatch(/expected 1s/);
    const own = await run({ name: 'own', subject: { kind: 'tcp' }, ...serverRestart([{ check: 'backoff', expect: { base: '2s', cap: '64s' } }]) });
    expect(own.status).toBe('pass');
  });

  it("drives mqtt.js with the user's keepalive and reconnectPeriod, and holds it to what they promise", async () => {
    const result = await run({
      name: 'mqttjs tuned',
      subject: { kind: 'mqttjs', options: { keepalive: 30, reconnectPeriod: 5000, clean: false, clientId: 'device-7' } },
      ...blackhole(),
      checks: [{ check: 'detection', death: { toxic: 'flat-up' } }, { check: 'backoff' }],
    });
    expect(result.promised).toMatchObject({ detectionBoundMs: 45_000, backoff: { exact: [5000] } });
    expect(result.status).toBe('pass');
    const scheduled = result.trace.filter((e) => e.type === 'reconnect.scheduled');
    expect(scheduled.length).toBeGreaterThan(0);
    expect(scheduled.every((e) => e.delayMs === 5000)).toBe(true);
  });
});
