import type { Scenario, SingleScenario } from '../harness/scenario/scenario.ts';

/** What a case fixes: the network, the timeline, the checks and the horizon; the subject is the caller's. */
export type Case = Pick<SingleScenario, 'network' | 'timeline' | 'checks' | 'horizon'>;

/**
 * The core cases, shared by the built-in suites and the gallery so that "detected after 2m10s"
 * means the same fault in both.
 */

/** The line goes flat both ways (no FIN, no RST, just silence) for 10 minutes after 10 minutes idle. */
export function blackhole(): Case {
  return {
    timeline: [
      { at: 0, do: 'connect' },
      { at: '10m', do: 'add-toxic', toxic: { name: 'flat-up', type: 'blackhole', stream: 'upstream' } },
      { at: '10m', do: 'add-toxic', toxic: { name: 'flat-down', type: 'blackhole', stream: 'downstream' } },
      { at: '20m', do: 'remove-toxic', name: 'flat-up' },
      { at: '20m', do: 'remove-toxic', name: 'flat-down' },
    ],
    checks: [{ check: 'detection', death: { toxic: 'flat-up' } }],
    horizon: '30m',
  };
}

/** The server dies and its FIN never arrives (half_open hides it); it is back 10 minutes later. */
export function serverVanishes(): Case {
  return {
    timeline: [
      { at: 0, do: 'connect' },
      { at: '5m', do: 'add-toxic', toxic: { name: 'vanish', type: 'half_open' } },
      { at: '5m', do: 'stop-server', mode: 'crash' },
      { at: '15m', do: 'start-server' },
    ],
    checks: [{ check: 'detection', death: { toxic: 'vanish' } }],
    horizon: '30m',
  };
}

/** A slow but living link, 2 s ± 1 s each way, with a message every 3 minutes: no false alarm, every message arrives. */
export function slowButAlive(hours: number): Case {
  return {
    network: {
      toxics: [
        { name: 'slow-up', type: 'latency', stream: 'upstream', attributes: { latency: 2000, jitter: 1000 } },
        { name: 'slow-down', type: 'latency', stream: 'downstream', attributes: { latency: 2000, jitter: 1000 } },
      ],
    },
    timeline: [
      { at: 0, do: 'connect' },
      { at: '1m', do: 'send', count: hours * 20, every: '3m' },
    ],
    checks: [
      { check: 'no-false-alarm', from: 0 },
      { check: 'delivery', guarantee: 'at-least-once' },
    ],
    horizon: `${hours}h`,
  };
}

/** The server crashes at 10m and is back 3 minutes later; `checks` judge the reconnects. */
export function serverRestart(checks: Scenario['checks']): Case {
  return {
    timeline: [
      { at: 0, do: 'connect' },
      { at: '10m', do: 'stop-server', mode: 'crash' },
      { at: '13m', do: 'start-server' },
    ],
    checks,
    horizon: '30m',
  };
}
