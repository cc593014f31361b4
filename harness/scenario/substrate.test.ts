import { describe, expect, it } from 'vitest';
import { runScenario } from './runner.ts';
import { defineScenario } from './scenario.ts';

const scenario = (network: Record<string, unknown>) =>
  defineScenario({
    name: 'substrate',
    subject: { kind: 'tcp' },
    network: network as never,
    timeline: [{ at: 0, do: 'connect' }],
    checks: [{ check: 'keepalive', window: '5m' }],
    horizon: '10m',
  });

describe('a scenario names its substrate', () => {
  it('runs on the one it names, over the command line’s default', async () => {
    const kernel = await runScenario(scenario({ substrate: 'kernel' }), { seed: 1, file: 'substrate', network: 'sim' });
    expect(kernel.status).toBe('pass');
    // an external broker cannot be on the sim: the scenario's own choice is the one refused
    const refused = await runScenario({ ...scenario({ substrate: 'sim' }), subject: { kind: 'mqtt' } }, { seed: 1, file: 'substrate', mqttUrl: 'mqtt://127.0.0.1:1' });
    expect(refused.status).toBe('error');
    expect(refused.error?.message).toMatch(/--network sim cannot carry the MQTT broker at mqtt:\/\/127\.0\.0\.1:1 \(--mqtt-url\)/);
    // a subject that does not talk MQTT never meets that broker, so its world may stand on the sim
    expect((await runScenario(scenario({ substrate: 'sim' }), { seed: 1, file: 'substrate', mqttUrl: 'mqtt://127.0.0.1:1' })).status).toBe('pass');
  });

  it('refuses a substrate it does not know, with the closest name', async () => {
    const run = await runScenario(scenario({ substrate: 'simm' }), { seed: 1, file: 'substrate' });
    expect(run.status).toBe('error');
    expect(run.error?.message).toMatch(/network\.substrate.*"sim"/);
  });
});
