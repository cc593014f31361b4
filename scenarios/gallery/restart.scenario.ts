import { defineMatrix } from '../../harness/scenario/scenario.ts';
import { findingFor, GALLERY_SUBJECTS, keepsTrying } from './subjects.ts';

/**
 * The server crashes and is back 3 minutes later. Does the client retry on its own schedule, and
 * keep trying until the server is back?
 */
export default defineMatrix({ subject: GALLERY_SUBJECTS }, ({ subject }) => ({
  name: 'gallery restart: the server crashes, back 3m later',
  subject: { kind: subject },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '10m', do: 'stop-server', mode: 'crash' },
    { at: '13m', do: 'start-server' },
  ],
  checks: [{ check: 'backoff', expect: keepsTrying(subject) }],
  horizon: '30m',
  finding: findingFor(subject, 'restart'),
}));
