import { defineMatrix } from '../harness/scenario/scenario.ts';
import { findingFor, SUBJECTS } from './subjects.ts';

/** A slow but living link (2 s ± 1 s each way, under the 10 s reply timeout) must never be declared dead. */
export default defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
  name: 'latency: 2s ± 1s each way for 6h raises no false alarm',
  subject: { kind: subject },
  network: {
    toxics: [
      { name: 'slow-up', type: 'latency', stream: 'upstream', attributes: { latency: 2000, jitter: 1000 } },
      { name: 'slow-down', type: 'latency', stream: 'downstream', attributes: { latency: 2000, jitter: 1000 } },
    ],
  },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '1m', do: 'send', count: 120, every: '3m' },
  ],
  checks: [
    { check: 'no-false-alarm', from: 0 },
    { check: 'delivery', guarantee: 'at-least-once' },
  ],
  horizon: '6h',
  finding: findingFor(subject, 'latency'),
}));
