import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Guarantee } from '../trace/events.ts';
import type { TraceEvent } from '../trace/trace.ts';
import { checkDelivery, countDelivery, type DeliveryCounts } from './delivery.ts';

const SERVER = 'server:tcp';

/** A trace from sends per sender ("a" -> client:a), acked ids and the delivery order. */
function history(sends: [sender: string, id: string][], acked: string[], delivered: string[]): TraceEvent[] {
  let t = 0;
  return [
    ...sends.map(([sender, id]) => ({ t: t++, source: `client:${sender}`, type: 'message.sent', id })),
    ...acked.map((id) => ({ t: t++, source: 'client:a', type: 'message.acked', id })),
    ...delivered.map((id) => ({ t: t++, source: SERVER, type: 'message.delivered', id })),
  ];
}

const zero: DeliveryCounts = { attempted: 0, acknowledged: 0, delivered: 0, ok: 0, lost: 0, duplicated: 0, unexpected: 0, recovered: 0, reordered: 0, failed: 0, unresolved: 0 };

describe('countDelivery', () => {
  it('names each kind of damage', () => {
    const sends: [string, string][] = [['a', 'm1'], ['a', 'm2'], ['a', 'm3'], ['a', 'm2']]; // m2 resent
    const counts = countDelivery(history(sends, ['m1', 'm2'], ['m1', 'm1', 'm3', 'ghost']));
    expect(counts).toEqual({ ...zero, attempted: 3, acknowledged: 2, delivered: 4, ok: 2, lost: 1, duplicated: 1, unexpected: 1, recovered: 1 });
  });

  it('tells a message still in flight at the end (unresolved) from one the sender gave up on (failed)', () => {
    const events = [
      ...history([['a', 'm1'], ['a', 'm2'], ['a', 'm3']], ['m1'], ['m1']),
      { t: 99, source: 'client:a', type: 'message.failed', id: 'm3', reason: 'gave up' },
    ];
    expect(countDelivery(events)).toMatchObject({ ok: 1, lost: 0, failed: 1, unresolved: 1 });
    expect(checkDelivery(events, { guarantee: 'at-least-once' }).summary).toMatch(/at-least-once broken by 1 unresolved/);
    expect(checkDelivery(events, { guarantee: 'at-most-once' }).status).toBe('pass');
  });

  it('counts a message reordered when a later send of the same sender was delivered first', () => {
    const abc: [string, string][] = [['a', 'a1'], ['a', 'a2'], ['a', 'a3']];
    expect(countDelivery(history(abc, [], ['a3', 'a1', 'a2'])).reordered).toBe(2); // a3 jumped ahead of two
    expect(countDelivery(history(abc, [], ['a1', 'a3', 'a2'])).reordered).toBe(1); // a2 held back
    expect(countDelivery(history(abc, [], ['a1', 'a2', 'a3', 'a1'])).reordered).toBe(0); // a late duplicate is a duplicate
  });

  it('orders per sender, by first send', () => {
    const sends: [string, string][] = [['a', 'a1'], ['b', 'b1'], ['a', 'a2'], ['b', 'b2'], ['a', 'a1']];
    expect(countDelivery(history(sends, [], ['b1', 'b2', 'a1', 'a2'])).reordered).toBe(0);
  });
});

describe('checkDelivery', () => {
  const trace = (delivered: string[]) => history([['a', 'm1'], ['a', 'm2']], ['m1', 'm2'], delivered);

  it('forbids per guarantee: at-most-once duplicates, at-least-once losses, exactly-once both', () => {
    const duplicated = trace(['m1', 'm2', 'm2']);
    const lost = trace(['m1']);
    expect(checkDelivery(duplicated, { guarantee: 'at-most-once' }).status).toBe('fail');
    expect(checkDelivery(duplicated, { guarantee: 'at-least-once' }).status).toBe('pass');
    expect(checkDelivery(duplicated, { guarantee: 'exactly-once' }).status).toBe('fail');
    expect(checkDelivery(lost, { guarantee: 'at-most-once' }).status).toBe('pass');
    expect(checkDelivery(lost, { guarantee: 'at-least-once' }).status).toBe('fail');
    expect(checkDelivery(lost, { guarantee: 'exactly-once' }).status).toBe('fail');
    for (const guarantee of ['at-most-once', 'at-least-once', 'exactly-once'] as const) {
      expect(checkDelivery(trace(['m1', 'm2', 'nobody']), { guarantee }).status).toBe('fail');
    }
  });

  it('forbids reordering only when asked', () => {
    expect(checkDelivery(trace(['m2', 'm1']), { guarantee: 'exactly-once' }).status).toBe('pass');
    const v = checkDelivery(trace(['m2', 'm1']), { guarantee: 'exactly-once', ordered: true });
    expect(v.status).toBe('fail');
    expect(v.summary).toBe('2 of 2 delivered (lost 0, unresolved 0, duplicated 0, unexpected 0, reordered 1, recovered 0): exactly-once, ordered broken by 1 reordered');
  });

  it('says which counts broke the promise', () => {
    const v = checkDelivery(trace(['m1', 'm1', 'x']), { guarantee: 'exactly-once' });
    expect(v.summary).toBe('1 of 2 delivered (lost 1, unresolved 0, duplicated 1, unexpected 1, reordered 0, recovered 0): exactly-once broken by 1 lost, 1 duplicated, 1 unexpected; first lost: m2 sent at 1ms; first duplicated: m1 sent at 0ms');
    expect(v.bound).toEqual({ guarantee: 'exactly-once', ordered: false, forbidden: 'lost, unresolved, duplicated, unexpected' });
  });

  it('names the first lost and duplicated ids with their send times, as Jepsen does, so the trace can be read from there', () => {
    const ids = Array.from({ length: 6 }, (_, i) => `m${i + 1}`);
    const events = history(ids.map((id) => ['a', id] as [string, string]), ids, ['m2', 'm6', 'm6']).map((e) => ({ ...e, t: e.t * 1000 }));
    const v = checkDelivery(events, { guarantee: 'exactly-once' });
    expect(v.measured.firstLost).toBe('m1 sent at 0ms, m3 sent at 2s, m4 sent at 3s and 1 more');
    expect(v.measured.firstDuplicated).toBe('m6 sent at 5s');
    expect(v.measured.firstUnresolved).toBeNull();
    expect(v.summary).toMatch(/; first lost: m1 sent at 0ms, m3 sent at 2s, m4 sent at 3s and 1 more; first duplicated: m6 sent at 5s$/);
  });

  it('names examples only of what broke the promise, and keeps all of them in its measures', () => {
    const v = checkDelivery(trace(['m1']), { guarantee: 'at-most-once' }); // m2 lost: at-most-once allows it
    expect(v.status).toBe('pass');
    expect(v.summary).toMatch(/at-most-once holds$/);
    expect(v.measured.firstLost).toBe('m2 sent at 1ms');
  });

  it('lists an acknowledged id that was never sent after the sent ones, without a send time', () => {
    const v = checkDelivery(history([['a', 'm1'], ['a', 'm2']], ['ghost', 'm2', 'm1'], []), { guarantee: 'at-least-once' });
    expect(v.measured.firstLost).toBe('m1 sent at 0ms, m2 sent at 1ms, ghost (never sent)');
  });

  it('is an error when nothing was sent', () => {
    expect(checkDelivery(history([], [], ['x']), { guarantee: 'at-least-once' }).status).toBe('error');
  });
});

/**
 * Random histories with known damage. Each message has a sender, resends, an ack or not, and a fate:
 * delivered (maybe held back behind later sends, maybe duplicated) or never delivered. Ghost
 * deliveries (ids never sent) are sprinkled anywhere. The expected counts follow from construction.
 */
const messageArb = fc.record({
  sender: fc.constantFrom('a', 'b', 'c'),
  resends: fc.nat({ max: 2 }),
  acked: fc.boolean(),
  delivered: fc.boolean(),
  heldBack: fc.boolean(),
  duplicateSlots: fc.array(fc.nat(), { maxLength: 2 }),
});
const scenarioArb = fc.record({
  messages: fc.array(messageArb, { maxLength: 40 }),
  ghosts: fc.array(fc.record({ ghost: fc.nat({ max: 3 }), slot: fc.nat() }), { maxLength: 4 }),
  resendSlots: fc.array(fc.nat(), { maxLength: 40 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function build({ messages, ghosts, resendSlots }: Scenario): { events: TraceEvent[]; expected: DeliveryCounts } {
  const ids = messages.map((_, i) => `m${i}`);
  const sends: [string, string][] = messages.map((m, i) => [m.sender, ids[i]!]);
  // Resends go anywhere after the first send, so they never change the send order.
  messages.forEach((m, i) => {
    for (let r = 0; r < m.resends; r++) {
      const first = sends.findIndex(([, id]) => id === ids[i]);
      const slot = resendSlots[(i + r) % Math.max(1, resendSlots.length)] ?? 0;
      sends.splice(first + 1 + (slot % (sends.length - first)), 0, [m.sender, ids[i]!]);
    }
  });

  // Held-back messages are delivered after all others. Each sender's last delivered message is
  // never held back, so each held-back message is overtaken by it: exactly one reordering apiece.
  const deliveredIdx = messages.flatMap((m, i) => (m.delivered ? [i] : []));
  const lastOf = new Map(deliveredIdx.map((i) => [messages[i]!.sender, i]));
  const held = deliveredIdx.filter((i) => messages[i]!.heldBack && lastOf.get(messages[i]!.sender) !== i);
  const order = [...deliveredIdx.filter((i) => !held.includes(i)), ...held].map((i) => ids[i]!);
  // Duplicates go anywhere after the first delivery; ghosts anywhere.
  messages.forEach((m, i) => {
    for (const slot of m.delivered ? m.duplicateSlots : []) {
      const first = order.indexOf(ids[i]!);
      order.splice(first + 1 + (slot % (order.length - first)), 0, ids[i]!);
    }
  });
  for (const { ghost, slot } of ghosts) order.splice(slot % (order.length + 1), 0, `ghost${ghost}`);

  const acked = ids.filter((_, i) => messages[i]!.acked);
  const count = (keep: (m: Scenario['messages'][number]) => boolean) => messages.filter(keep).length;
  const duplicated = messages.reduce((n, m) => n + (m.delivered ? m.duplicateSlots.length : 0), 0);
  const ok = count((m) => m.delivered);
  return {
    events: history(sends, acked, order),
    expected: {
      attempted: messages.length,
      acknowledged: acked.length,
      delivered: ok + duplicated + ghosts.length,
      ok,
      lost: count((m) => m.acked && !m.delivered),
      duplicated,
      unexpected: ghosts.length,
      recovered: count((m) => m.delivered && !m.acked),
      reordered: held.length,
      failed: 0,
      unresolved: count((m) => !m.acked && !m.delivered),
    },
  };
}

describe('countDelivery, property', () => {
  it('counts exactly the losses, duplicates, reorderings and ghosts injected', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { events, expected } = build(scenario);
        expect(countDelivery(events)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('passes a guarantee exactly when none of its forbidden counts is injected', () => {
    fc.assert(
      fc.property(scenarioArb, fc.constantFrom<Guarantee>('at-most-once', 'at-least-once', 'exactly-once'), fc.boolean(), (scenario, guarantee, ordered) => {
        const { events, expected: e } = build(scenario);
        fc.pre(e.attempted > 0);
        const clean = {
          'at-most-once': e.duplicated + e.unexpected === 0,
          'at-least-once': e.lost + e.unresolved + e.unexpected === 0,
          'exactly-once': e.lost + e.unresolved + e.duplicated + e.unexpected === 0,
        }[guarantee] && (!ordered || e.reordered === 0);
        expect(checkDelivery(events, { guarantee, ordered }).status).toBe(clean ? 'pass' : 'fail');
      }),
      { numRuns: 300 },
    );
  });
});
