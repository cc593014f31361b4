import { describe, expect, it } from 'vitest';
import { flatlineMatchers, runFlatline, type Scenario } from './vitest.ts';

expect.extend(flatlineMatchers);

const blackhole: Scenario = {
  name: 'vitest: blackhole after 2m',
  subject: { kind: 'ws', options: { heartbeat: { interval: '30s', timeout: '5s' }, backoff: { base: '1s', cap: '8s' } } },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '10s', do: 'send', count: 30, every: '1s' },
    { at: '2m', do: 'add-toxic', toxic: { name: 'cut', type: 'blackhole', stream: 'upstream' } },
    { at: '2m', do: 'add-toxic', toxic: { name: 'cut-down', type: 'blackhole', stream: 'downstream' } },
    { at: '4m', do: 'remove-toxic', name: 'cut' },
    { at: '4m', do: 'remove-toxic', name: 'cut-down' },
  ],
  checks: [{ check: 'detection', death: { toxic: 'cut' } }],
  horizon: '10m',
};

describe('flatline vitest matchers', () => {
  it('judge a real run: detection, backoff, delivery', async () => {
    const run = await runFlatline(blackhole);
    expect(run).toPassItsChecks();
    expect(run).toDetectDeadLinkWithin('35s');
    expect(run).not.toDetectDeadLinkWithin('5s');
    expect(run).toFollowBackoff();
    expect(run).toDeliver('at-least-once');
    expect(run).toDeliver('exactly-once');
  });

  it('fail with the numbers and the replay line', async () => {
    const run = await runFlatline(blackhole, { seed: 3 });
    let message = '';
    try {
      expect(run).toDetectDeadLinkWithin('1s');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/expected vitest: blackhole after 2m to detect the dead link within 1s: detected after \d+s.*bound 1s/);
    expect(message).toMatch(/replay: flatline run vitest --filter "vitest: blackhole after 2m" --seed 3/);
    expect(() => expect(run).toFollowBackoff({ exact: [5000] })).toThrow(/follow its backoff schedule/);
  });

  it('take the NAT expiry, not the NAT toxic present from the start, as the default death', async () => {
    const run = await runFlatline({
      name: 'vitest: heartbeat 90s over a 1m NAT',
      subject: { kind: 'tcp', options: { heartbeat: { interval: '90s', timeout: '5s' } } },
      network: { nat: { timeout: '1m' } },
      timeline: [{ at: 0, do: 'connect' }],
      checks: [{ check: 'keepalive', window: '1m' }],
      horizon: '5m',
    });
    expect(run).toDetectDeadLinkWithin('35s');
    expect(run).not.toDetectDeadLinkWithin('20s');
  });

  it('take a backoff policy as the expectation, and refuse a misspelt one', async () => {
    const run = await runFlatline(blackhole);
    expect(run).toFollowBackoff({ base: '1s', cap: '8s' });
    expect(run).not.toFollowBackoff({ base: '3s', cap: '8s' });
    expect(() => expect(run).toFollowBackoff({ bse: '1s' } as never)).toThrow(/toFollowBackoff\(expect\): bse: unknown field; did you mean "base"\?/);
  });
});
