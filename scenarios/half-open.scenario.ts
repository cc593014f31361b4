import { defineMatrix } from '../harness/scenario/scenario.ts';
import { findingFor, SUBJECTS } from './subjects.ts';

/** The line goes flat: no FIN, no RST, just silence. Does the client notice within its heartbeat bound? */
export default [
  defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
    name: 'half-open: blackhole both ways after 10m idle',
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
  })),
  defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
    name: 'half-open: the server vanishes without a FIN',
    subject: { kind: subject },
    timeline: [
      { at: 0, do: 'connect' },
      { at: '5m', do: 'add-toxic', toxic: { name: 'vanish', type: 'half_open' } },
      { at: '5m', do: 'stop-server', mode: 'crash' },
      { at: '15m', do: 'start-server' },
    ],
    checks: [{ check: 'detection', death: { toxic: 'vanish' } }],
    horizon: '30m',
    finding: findingFor(subject, 'server-vanishes'),
  })),
];
