import { defineMatrix } from '../../harness/scenario/scenario.ts';
import { FLEET_SIZE, restartStorm } from './storm.ts';

export const JITTERS = ['none', 'full', 'equal', 'decorrelated'] as const;

/**
 * The reference client's jitter modes through the same restart storm, with no immediate first
 * retry (otherwise every mode sends the whole fleet at the crashed server in the same instant).
 */
export const referenceStorm = (jitter: (typeof JITTERS)[number], size = FLEET_SIZE) =>
  restartStorm(
    'restart storm: the reference tcp client',
    { kind: 'tcp', options: { backoff: { jitter, immediateFirst: false } } },
    jitter === 'none'
      ? 'without jitter every client retries at the same instants (2, 6, 14, 30, 62 s after the crash): the whole fleet reconnects in one second when the server is back'
      : undefined,
    size,
  );

export default defineMatrix({ jitter: JITTERS }, ({ jitter }) => referenceStorm(jitter));
