import { defineMatrix } from '../../harness/scenario/scenario.ts';
import { findingFor, GALLERY_SUBJECTS } from './subjects.ts';

/**
 * The line goes flat both ways (no FIN, no RST, just silence) for 10 minutes. Does the client
 * notice within its own bound (the reference's 3m10s for a subject that promises none)?
 */
export default defineMatrix({ subject: GALLERY_SUBJECTS }, ({ subject }) => ({
  name: 'gallery blackhole: silence both ways for 10m after 10m idle',
  subject: { kind: subject },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '10m', do: 'add-toxic', toxic: { name: 'flat-up', type: 'blackhole', stream: 'upstream' } },
    { at: '10m', do: 'add-toxic', toxic: { name: 'flat-down', type: 'blackhole', stream: 'downstream' } },
    { at: '20m', do: 'remove-toxic', name: 'flat-up' },
    { at: '20m', do: 'remove-toxic', name: 'flat-down' },
  ],
  checks: [{ check: 'detection', death: { toxic: 'flat-up' } }],
  horizon: '30m',
  finding: findingFor(subject, 'blackhole'),
}));
