import { defineMatrix } from '../../harness/scenario/scenario.ts';
import { serverVanishes } from '../cases.ts';
import { findingFor, GALLERY_SUBJECTS } from './subjects.ts';

/**
 * The server dies and its FIN never arrives (the half_open toxic hides it): the client holds a
 * connection to nobody. Does it notice, and within its own bound?
 */
export default defineMatrix({ subject: GALLERY_SUBJECTS }, ({ subject }) => ({
  name: 'gallery half-open: the server vanishes without a FIN',
  subject: { kind: subject },
  ...serverVanishes(),
  finding: findingFor(subject, 'half-open'),
}));
