import { describe, expect, it } from 'vitest';
import { registerNeverStarts } from '../../test/support/never-starts.ts';
import { runFlatline } from './run-flatline.ts';
import type { Scenario } from './scenario.ts';

registerNeverStarts('test-never-starts');

const hangs = {
  name: 'hangs',
  subject: { kind: 'test-never-starts' },
  timeline: [{ at: 0, do: 'connect' }],
  checks: [{ check: 'keepalive', window: '1m' }],
  horizon: '2m',
  timeLimit: '10m',
} as unknown as Scenario;

describe('runFlatline', () => {
  it("ends the run at its timeLimit option, in place of the scenario's own", async () => {
    const run = await runFlatline(hangs, { timeLimit: '300ms' });
    expect(run.status).toBe('error');
    expect(run.error?.message).toMatch(/^watchdog: the run took more than 0.3 s of real time/);
  });

  it('refuses a timeLimit option that is not one, naming it', async () => {
    await expect(runFlatline(hangs, { timeLimit: '30d' })).rejects.toThrow(/^runFlatline\(options\)\.timeLimit: must be at most 2147483647 ms/);
  });
});
