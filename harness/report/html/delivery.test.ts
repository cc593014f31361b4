import { describe, expect, it } from 'vitest';
import { checkDelivery } from '../../checks/delivery.ts';
import { merge, rows } from '../../checks/fixture.ts';
import { buildDelivery } from './delivery.ts';
import { fakeRun } from '../../../test/support/fake-run.ts';

const trace = merge(
  rows('client:subject', [
    [1, 'message.sent', { id: 'a' }],
    [2, 'message.sent', { id: 'b' }],
    [3, 'message.acked', { id: 'a' }],
    [4, 'message.acked', { id: 'b' }],
  ]),
  rows('server:server', [
    [5, 'message.delivered', { id: 'b' }],
    [6, 'message.delivered', { id: 'b' }],
  ]),
);

describe('the delivery counts', () => {
  it('come from the delivery verdict, with what its guarantee forbids', () => {
    const verdict = checkDelivery(trace, { guarantee: 'exactly-once' });
    expect(buildDelivery(fakeRun({ trace, verdicts: [verdict] }))).toEqual({
      counts: { attempted: 2, acknowledged: 2, delivered: 2, ok: 1, lost: 1, unresolved: 0, failed: 0, duplicated: 1, unexpected: 0, recovered: 0, reordered: 0 },
      guarantee: 'exactly-once',
      forbidden: ['lost', 'unresolved', 'duplicated', 'unexpected'],
    });
  });

  it('are counted from the trace when no check judged them, and absent without messages', () => {
    expect(buildDelivery(fakeRun({ trace }))).toMatchObject({ guarantee: null, forbidden: [], counts: { lost: 1, duplicated: 1 } });
    expect(buildDelivery(fakeRun())).toBeNull();
  });
});
