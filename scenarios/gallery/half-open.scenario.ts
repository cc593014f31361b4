import { defineMatrix } from '../../harness/scenario/scenario.ts';
import { findingFor, GALLERY_SUBJECTS } from './subjects.ts';

/**
 * The server dies and its FIN never arrives (the half_open toxic hides it): the client holds a
 * connection to nobody. Does it notice, and within its own bound?
 */
export default defineMatrix({ subject: GALLERY_SUBJECTS }, ({ subject }) => ({
  name: 'gallery half-open: the server vanishes without a FIN',
  subject: { kind: subject },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '5m', do: 'add-toxic', toxic: { name: 'vanish', type: 'half_open' } },
    { at: '5m', do: 'stop-server', mode: 'crash' },
    { at: '15m', do: 'start-server' },
  ],
  checks: [{ check: 'detection', death: { toxic: 'vanish' } }],
  horizon: '30m',
  finding: findingFor(subject, 'half-open'),
}));
