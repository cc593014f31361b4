import { defineMatrix } from '../../harness/scenario/scenario.ts';
import { blackhole } from '../cases.ts';
import { findingFor, GALLERY_SUBJECTS } from './subjects.ts';

/**
 * The line goes flat both ways (no FIN, no RST, just silence) for 10 minutes. Does the client
 * notice within its own bound (the reference's 3m10s for a subject that promises none)?
 */
export default defineMatrix({ subject: GALLERY_SUBJECTS }, ({ subject }) => ({
  name: 'gallery blackhole: silence both ways for 10m after 10m idle',
  subject: { kind: subject },
  ...blackhole(),
  finding: findingFor(subject, 'blackhole'),
}));
