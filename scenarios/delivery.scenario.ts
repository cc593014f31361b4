import { defineMatrix } from '../harness/scenario/scenario.ts';
import { findingFor, guaranteeOf, SUBJECTS } from './subjects.ts';

const GUARANTEES = ['at-most-once', 'at-least-once', 'exactly-once'] as const;

/** 600 messages, one a second, across a reset and a 2-minute blackhole: is the delivery promise kept? */
export default defineMatrix({ subject: SUBJECTS, guarantee: GUARANTEES }, ({ subject, guarantee }) => ({
  name: 'delivery across a reset and a blackhole',
  subject: { kind: subject, options: guaranteeOf(subject, guarantee) },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '10s', do: 'send', count: 600, every: '1s' },
    { at: '2m', do: 'add-toxic', toxic: { name: 'rst', type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } } },
    { at: '2m5s', do: 'remove-toxic', name: 'rst' },
    { at: '5m', do: 'add-toxic', toxic: { name: 'hole', type: 'blackhole', stream: 'downstream' } },
    { at: '7m', do: 'remove-toxic', name: 'hole' },
  ],
  checks: [{ check: 'delivery', guarantee }],
  horizon: '30m',
  finding: findingFor(subject, `delivery-${guarantee}`),
}));
