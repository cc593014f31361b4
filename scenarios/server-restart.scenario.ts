import { defineMatrix } from '../harness/scenario/scenario.ts';
import { findingFor, SUBJECTS } from './subjects.ts';

/** The server crashes and is back 3 minutes later: the reconnects must follow the promised schedule. */
export default defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
  name: 'server restart: down 3m, reconnects follow the backoff schedule',
  subject: { kind: subject },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '10m', do: 'stop-server', mode: 'crash' },
    { at: '13m', do: 'start-server' },
  ],
  checks: [{ check: 'backoff' }, { check: 'keepalive', window: '9m' }],
  horizon: '30m',
  finding: findingFor(subject, 'restart'),
}));
