import { defineMatrix } from '../harness/scenario/scenario.ts';
import { findingFor, SUBJECTS } from './subjects.ts';

/** A thin, choppy link (2 KB/s, frames sliced into 7-byte pieces): frames must still reassemble and arrive. */
export default defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
  name: 'slow link: 2 KB/s and sliced frames',
  subject: { kind: subject },
  network: {
    toxics: [
      { name: 'thin', type: 'bandwidth', stream: 'downstream', attributes: { rate: 2 } },
      { name: 'chop', type: 'slicer', stream: 'upstream', attributes: { average_size: 7, size_variation: 3, delay: 2000 } },
    ],
  },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '30s', do: 'send', count: 200, every: '2s' },
  ],
  checks: [
    { check: 'delivery', guarantee: 'at-least-once' },
    { check: 'no-false-alarm', from: 0 },
  ],
  horizon: '1h',
  finding: findingFor(subject, 'slow-link'),
}));
