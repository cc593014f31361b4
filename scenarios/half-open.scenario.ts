import { defineMatrix } from '../harness/scenario/scenario.ts';
import { blackhole, serverVanishes } from './cases.ts';
import { findingFor, SUBJECTS } from './subjects.ts';

/** The line goes flat: no FIN, no RST, just silence. Does the client notice within its heartbeat bound? */
export default [
  defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
    name: 'half-open: blackhole both ways after 10m idle',
    subject: { kind: subject },
    ...blackhole(),
    finding: findingFor(subject, 'blackhole'),
  })),
  defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
    name: 'half-open: the server vanishes without a FIN',
    subject: { kind: subject },
    ...serverVanishes(),
    finding: findingFor(subject, 'server-vanishes'),
  })),
];
