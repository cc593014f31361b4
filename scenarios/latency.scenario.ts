import { defineMatrix } from '../harness/scenario/scenario.ts';
import { slowButAlive } from './cases.ts';
import { findingFor, SUBJECTS } from './subjects.ts';

/** A slow but living link (2 s ± 1 s each way, under the 10 s reply timeout) must never be declared dead. */
export default defineMatrix({ subject: SUBJECTS }, ({ subject }) => ({
  name: 'latency: 2s ± 1s each way for 6h raises no false alarm',
  subject: { kind: subject },
  ...slowButAlive(6),
  finding: findingFor(subject, 'latency'),
}));
