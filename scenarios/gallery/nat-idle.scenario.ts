import { defineMatrix } from '../../harness/scenario/scenario.ts';
import { findingFor, GALLERY_SUBJECTS } from './subjects.ts';

/**
 * A carrier NAT forgets a mapping after 5 minutes without traffic, silently. After half an hour of
 * quiet the client sends 10 messages: is the connection still there to carry them, or does the
 * client at least know it is not?
 */
export default defineMatrix({ subject: GALLERY_SUBJECTS }, ({ subject }) => ({
  name: 'gallery nat-idle: 5m NAT, 10 messages after 30m of quiet',
  subject: { kind: subject },
  network: { nat: { timeout: '5m' } },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '30m', do: 'send', count: 10, every: '1s' },
  ],
  checks: [
    { check: 'keepalive', window: '30m' },
    { check: 'delivery', guarantee: 'at-least-once' },
  ],
  horizon: '35m',
  finding: findingFor(subject, 'nat-idle'),
}));
