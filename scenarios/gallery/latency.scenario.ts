import { defineMatrix } from '../../harness/scenario/scenario.ts';
import { findingFor, GALLERY_SUBJECTS } from './subjects.ts';

/** A slow but living link, 2 s ± 1 s each way for an hour: no false alarm, and every message arrives. */
export default defineMatrix({ subject: GALLERY_SUBJECTS }, ({ subject }) => ({
  name: 'gallery latency: 2s ± 1s each way for 1h',
  subject: { kind: subject },
  network: {
    toxics: [
      { name: 'slow-up', type: 'latency', stream: 'upstream', attributes: { latency: 2000, jitter: 1000 } },
      { name: 'slow-down', type: 'latency', stream: 'downstream', attributes: { latency: 2000, jitter: 1000 } },
    ],
  },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '1m', do: 'send', count: 20, every: '3m' },
  ],
  checks: [
    { check: 'no-false-alarm', from: 0 },
    { check: 'delivery', guarantee: 'at-least-once' },
  ],
  horizon: '1h',
  finding: findingFor(subject, 'latency'),
}));
