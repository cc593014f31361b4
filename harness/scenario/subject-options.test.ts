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

  it("drives reconnecting-websocket with the user's delays and holds it to the schedule they give", async () => {
    const result = await run({
      name: 'rws tuned',
      subject: { kind: 'rws', options: { minReconnectionDelay: 1000, reconnectionDelayGrowFactor: 2, maxReconnectionDelay: 8000 } },
      ...serverRestart([{ check: 'backoff' }]),
    });
    expect(result.promised?.backoff).toEqual({ exact: [1000, 2000, 4000, 8000], resetAfterMs: 5000 });
    expect(result.status).toBe('pass');
    const delays = result.trace.filter((e) => e.type === 'reconnect.scheduled').map((e) => e.delayMs);
    expect(delays.slice(0, 5)).toEqual([1000, 2000, 4000, 8000, 8000]);
  });

  it("drives socket.io-client with the user's reconnection delays and holds it to the bounds they give", async () => {
    const result = await run({
      name: 'socket.io tuned',
      subject: { kind: 'socketio', options: { reconnectionDelay: 500, reconnectionDelayMax: 2000, randomizationFactor: 0 } },
      ...serverRestart([{ check: 'backoff' }]),
    });
    expect(result.promised?.backoff).toEqual({ bounds: [{ min: 500, max: 500 }, { min: 1000, max: 1000 }, { min: 2000, max: 2000 }], resetAfterMs: 0 });
    expect(result.status).toBe('pass');
    const delays = result.trace.filter((e) => e.type === 'reconnect.scheduled').map((e) => e.delayMs);
    expect(delays.slice(0, 4)).toEqual([500, 1000, 2000, 2000]);
  });
});
