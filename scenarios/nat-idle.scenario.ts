import { defineMatrix } from '../harness/scenario/scenario.ts';
import { findingFor, SUBJECTS } from './subjects.ts';

/**
 * A carrier NAT forgets an idle mapping after 5 minutes. A 3-minute heartbeat keeps one
 * connection alive for a day; a 6-minute one lets the mapping expire, and the client must notice.
 */
export default [
  defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
    name: 'nat idle: heartbeat 3m under a 5m NAT keeps the connection for 24h',
    subject: { kind: subject, options: subject === 'tcp' || subject === 'ws' ? { heartbeat: { interval: '3m' } } : {} },
    network: { nat: { timeout: '5m' } },
    timeline: [{ at: 0, do: 'connect' }],
    checks: [{ check: 'keepalive', window: '23h' }],
    horizon: '24h',
    finding: findingFor(subject, 'nat-below'),
  })),
  defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
    name: 'nat idle: heartbeat 6m over a 5m NAT, the expiry is noticed',
    subject: { kind: subject, options: subject === 'tcp' || subject === 'ws' ? { heartbeat: { interval: '6m' } } : {} },
    network: { nat: { timeout: '5m' } },
    timeline: [{ at: 0, do: 'connect' }],
    checks: [{ check: 'detection', death: { event: 'nat.expired' }, bound: '6m10s' }],
    horizon: '30m',
    finding: findingFor(subject, 'nat-above'),
  })),
];
