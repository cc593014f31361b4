import { defineMatrix } from '../../harness/scenario/scenario.ts';
import { findingFor, GALLERY_SUBJECTS } from './subjects.ts';

/**
 * 600 messages, one a second, across a 1-minute blackhole and a 1-minute server outage. Judged as
 * an IM user needs it, at-least-once: a message the client reported sent must arrive.
 */
export default defineMatrix({ subject: GALLERY_SUBJECTS }, ({ subject }) => ({
  name: 'gallery delivery: 600 messages across a 1m blackhole and a 1m server outage',
  subject: { kind: subject },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '10s', do: 'send', count: 600, every: '1s' },
    { at: '2m', do: 'add-toxic', toxic: { name: 'hole-up', type: 'blackhole', stream: 'upstream' } },
    { at: '2m', do: 'add-toxic', toxic: { name: 'hole-down', type: 'blackhole', stream: 'downstream' } },
    { at: '3m', do: 'remove-toxic', name: 'hole-up' },
    { at: '3m', do: 'remove-toxic', name: 'hole-down' },
    { at: '6m', do: 'stop-server', mode: 'crash' },
    { at: '7m', do: 'start-server' },
  ],
  checks: [{ check: 'delivery', guarantee: 'at-least-once' }],
  horizon: '20m',
  finding: findingFor(subject, 'delivery'),
}));
