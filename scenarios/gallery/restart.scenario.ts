import { defineMatrix } from '../../harness/scenario/scenario.ts';
import { serverRestart } from '../cases.ts';
import { findingFor, GALLERY_SUBJECTS, keepsTrying } from './subjects.ts';

/**
 * The server crashes and is back 3 minutes later. Does the client retry on its own schedule, and
 * keep trying until the server is back?
 */
export default defineMatrix({ subject: GALLERY_SUBJECTS }, ({ subject }) => ({
  name: 'gallery restart: the server crashes, back 3m later',
  subject: { kind: subject },
  ...serverRestart([{ check: 'backoff', expect: keepsTrying(subject) }]),
  finding: findingFor(subject, 'restart'),
}));
