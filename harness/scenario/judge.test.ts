import { describe, expect, it } from 'vitest';
import { runScenario } from './runner.ts';

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
