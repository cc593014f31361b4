import { defineMatrix } from '../harness/scenario/scenario.ts';
import { serverRestart } from './cases.ts';
import { findingFor, SUBJECTS } from './subjects.ts';

/** The server crashes and is back 3 minutes later: the reconnects must follow the promised schedule. */
export default defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
  name: 'server restart: down 3m, reconnects follow the backoff schedule',
  subject: { kind: subject },
  ...serverRestart([{ check: 'backoff' }, { check: 'keepalive', window: '9m' }]),
  finding: findingFor(subject, 'restart'),
}));
