import { describe, expect, it } from 'vitest';
import { checkBackoff } from '../../checks/backoff.ts';
import { checkDelivery } from '../../checks/delivery.ts';
import { checkDetection, checkNoFalseAlarm } from '../../checks/detection.ts';
import { rows, type Row } from '../../checks/fixture.ts';
import { checkKeepalive } from '../../checks/keepalive.ts';
import { errored, type Verdict } from '../../checks/verdict.ts';
import { keyNumber, runKeyNumbers } from './key-numbers.ts';

/** Verdicts come from the real checks, so the words follow what the checks measure. */
const C = 'client:subject';
const trace = (list: Row[]) => rows(C, list);
const up: Row = [0, 'connected', { attempt: 0 }];

/** Lost at 10s, then attempts after the given waits, all refused but the last. */
function outage(delays: number[], end: 'connected' | 'gave up' = 'connected'): Row[] {
  const list: Row[] = [up, [10_000, 'link.dead', { reason: 'closed' }]];
  let t = 10_000;
  delays.forEach((delay, i) => {
    t += delay;
    list.push([t, 'connect.attempt', { attempt: i + 1 }]);
    list.push(i === delays.length - 1 && end === 'connected' ? [t, 'connected', { attempt: i + 1 }] : [t, 'link.dead', { reason: 'refused' }]);
  });
  if (end === 'gave up') list.push([t, 'reconnect.gave_up']);
  return list;
}

describe('key numbers, per check', () => {
  it('detection: how long until noticed, or never', () => {
    const death = 60_000;
    expect(keyNumber(checkDetection(trace([up, [152_000, 'link.dead']]), { client: C, death, boundMs: 190_000 }))).toBe('detected after 1m32s');
    expect(keyNumber(checkDetection(trace([up, [1_000_000, 'heartbeat.sent']]), { client: C, death, boundMs: 190_000 }))).toBe('never detected');
  });

  it('no-false-alarm: the quiet window, or when the first alarm came', () => {
    const from = 0;
    expect(keyNumber(checkNoFalseAlarm(trace([up, [3_600_000, 'heartbeat.sent']]), { client: C, from }))).toBe('no false alarm in 1h');
    const alarms = trace([up, [18_401, 'link.dead'], [90_000, 'link.dead'], [3_600_000, 'heartbeat.sent']]);
    expect(keyNumber(checkNoFalseAlarm(alarms, { client: C, from }))).toBe('false alarm after 18.401s (2 in all)');
  });

  it('keepalive: how long it lived, and whether the client noticed the break', () => {
    const idle = (list: Row[]) => checkKeepalive([...trace(list), { t: 1_800_000, source: 'server:server', type: 'heartbeat.reply' }], { client: C, windowMs: 1_800_000 });
    expect(keyNumber(idle([up]))).toBe('kept alive 30m');
    expect(keyNumber({ ...idle([up]), bound: undefined })).toBe('kept alive');
    expect(keyNumber(idle([up, [400_000, 'link.dead']]))).toBe('broke after 6m40s');
    const nat = checkKeepalive([...trace([up]), { t: 300_000, source: 'net:nat', type: 'nat.expired' }, { t: 1_800_000, source: 'net:nat', type: 'x' }], { client: C, windowMs: 1_800_000 });
    expect(keyNumber(nat)).toBe('broke after 5m, unnoticed');
  });

  it('backoff: the retry pattern, the give-up, or that it never came back', () => {
    const backoff = (list: Row[], giveUpAfter?: number) => checkBackoff(trace(list), { client: C, expect: { exact: [0, 2_000, 4_000, 8_000], giveUpAfter } });
    expect(keyNumber(backoff(outage([0, 2_000, 4_000, 8_000, 8_000])))).toBe('5 tries, waits up to 8s');
    expect(keyNumber(backoff(outage([0, 2_000, 4_000, 8_000], 'gave up'), 4))).toBe('gave up after 4 tries');
    expect(keyNumber(backoff(outage([0, 2_000, 4_000], 'gave up')))).toBe('gave up after 3 tries');
    expect(keyNumber(backoff(outage([0, 1_000, 1_000])))).toBe('off schedule: 2 problems');
    expect(keyNumber(checkBackoff(trace(outage([1_000, 1_000, 1_000])), { client: C, expect: { exact: [1_000] } }))).toBe('retries every 1s');
    expect(keyNumber(checkBackoff(trace(outage([0])), { client: C, expect: { exact: [0] } }))).toBe('1 try, all at once');
    expect(keyNumber(checkBackoff(trace([up, [10_000, 'link.dead'], [1_300_000, 'x']]), { client: C, expect: { exact: [0] } }))).toBe('never reconnected');
  });

  it('delivery: what the guarantee forbids, with how many arrived', () => {
    const sent = (n: number) => Array.from({ length: n }, (_, i): Row => [i, 'message.sent', { id: `m${i}` }]);
    const acked = (n: number) => Array.from({ length: n }, (_, i): Row => [i, 'message.acked', { id: `m${i}` }]);
    const delivered = (ids: number[]) => ids.map((i) => ({ t: 100 + i, source: 'server:server', type: 'message.delivered', id: `m${i}` }));
    const events = [...trace([...sent(4), ...acked(4)]), ...delivered([0, 1, 1])];
    expect(keyNumber(checkDelivery(events, { guarantee: 'at-most-once' }))).toBe('1 duplicated; 2 of 4 delivered');
    expect(keyNumber(checkDelivery(events, { guarantee: 'exactly-once' }))).toBe('2 lost, 1 duplicated; 2 of 4 delivered');
    expect(keyNumber(checkDelivery([...trace(sent(3)), ...delivered([0, 1, 2])], { guarantee: 'at-least-once' }))).toBe('3 of 3 delivered');
  });

  it('a verdict that could not judge says so; an unknown check shows its summary, cut to fit', () => {
    expect(keyNumber(errored('backoff', 'never lost a connection: nothing to judge'))).toBe('backoff could not judge');
    expect(keyNumber({ check: 'custom', status: 'pass', summary: 'short', measured: {} })).toBe('short');
    expect(keyNumber({ check: 'custom', status: 'fail', summary: 'x'.repeat(60), measured: {} })).toBe(`${'x'.repeat(47)}…`);
  });
});

describe('a run cell', () => {
  const v = (check: string, status: Verdict['status'], measured: Verdict['measured']): Verdict => ({ check, status, summary: '', measured });
  const held = v('keepalive', 'pass', { firstBreakMs: null });
  const broke = v('keepalive', 'fail', { firstBreakMs: 300_000, breaks: 1, reconnects: 0 });
  const lost = { ...v('delivery', 'fail', { lost: 10, ok: 0, attempted: 10 }), bound: { forbidden: 'lost, unexpected' } };

  it('shows the failing verdicts, else the first one', () => {
    expect(runKeyNumbers({ verdicts: [broke, lost] })).toEqual(['broke after 5m', '10 lost; 0 of 10 delivered']);
    expect(runKeyNumbers({ verdicts: [held, lost] })).toEqual(['10 lost; 0 of 10 delivered']);
    expect(runKeyNumbers({ verdicts: [held, v('delivery', 'pass', { ok: 3, attempted: 3 })] })).toEqual(['kept alive']);
  });

  it('puts what could not be judged first: the run error, then erroring verdicts', () => {
    expect(runKeyNumbers({ verdicts: [broke, errored('detection', 'no death moment')] })).toEqual(['detection could not judge']);
    expect(runKeyNumbers({ verdicts: [], error: { code: 'FLATLINE_ERR_RUN', message: 'boom' } })).toEqual(['FLATLINE_ERR_RUN']);
    expect(runKeyNumbers({ verdicts: [] })).toEqual([]);
  });
});
