import { defineMatrix } from '../../harness/scenario/scenario.ts';
import { slowButAlive } from '../cases.ts';
import { findingFor, GALLERY_SUBJECTS } from './subjects.ts';

/** A slow but living link, 2 s ± 1 s each way for an hour: no false alarm, and every message arrives. */
export default defineMatrix({ subject: GALLERY_SUBJECTS }, ({ subject }) => ({
  name: 'gallery latency: 2s ± 1s each way for 1h',
  subject: { kind: subject },
  ...slowButAlive(1),
  finding: findingFor(subject, 'latency'),
}));
