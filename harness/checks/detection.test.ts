import { describe, expect, it } from 'vitest';
import { checkDetection, checkNoFalseAlarm } from './detection.ts';
import { merge, rows } from './fixture.ts';

const C = 'client:tcp-1';
const H = 180_000;
const T = 10_000;

/** A blackhole at 60s; the client's heartbeat at 180s goes unanswered and times out at 190s. */
const blackhole = merge(
  rows(C, [[0, 'connected', { attempt: 0 }], [180_000, 'heartbeat.sent'], [190_000, 'link.dead', { reason: 'heartbeat timeout' }]]),
  rows('proxy:server', [[60_000, 'toxic.added', { toxic: 'cut', toxicType: 'blackhole', stream: 'downstream' }]]),
);

describe('checkDetection', () => {
  /** A blackhole "cut" from 60s to `healAt`, and the client's events. */
  const healing = (healAt: number, client: Parameters<typeof rows>[1]) =>
    merge(
      rows(C, [[0, 'connected', { attempt: 0 }], ...client]),
      rows('proxy:server', [[60_000, 'toxic.added', { toxic: 'cut' }], [healAt, 'toxic.removed', { toxic: 'cut' }]]),
    );
  const cut = { type: 'toxic.added', toxic: 'cut' };

  it('is not applicable to a fault that healed before any heartbeat was due, and blames no later dead link on it', () => {
    // healed at 3m, the client's next heartbeat was due later; a NAT expiry an hour on is another story
    const trace = healing(180_000, [[3_700_000, 'link.dead', { reason: 'heartbeat timeout' }]]);
    const v = checkDetection(trace, { client: C, death: cut, boundMs: 4 * 60_000 });
    expect(v.status).toBe('pass');
    expect(v.summary).toBe('not applicable — healed after 2m, before any heartbeat was due');
    expect(v.measured).toMatchObject({ deathAt: 60_000, healedAt: 180_000, detectedAt: null, applicable: false });
  });

  it('is not applicable when the fault healed within the time the client has to notice', () => {
    // the heartbeat at 95s went into the fault; the heal at 100s let its retransmission through before its deadline
    const trace = healing(100_000, [[95_000, 'heartbeat.sent'], [100_050, 'heartbeat.reply', { rttMs: 5_050 }]]);
    expect(checkDetection(trace, { client: C, death: cut, boundMs: H + T }).summary).toBe('not applicable — healed after 40s, within the 3m10s the client has to notice');
  });

  it('credits a link.dead after the heal to the fault when a heartbeat went out into it', () => {
    // the heartbeat at 170s was swallowed; the fault healed at 175s; its reply deadline fired at 180s
    const trace = healing(175_000, [[170_000, 'heartbeat.sent'], [180_000, 'link.dead', { reason: 'heartbeat timeout' }]]);
    const v = checkDetection(trace, { client: C, death: cut, boundMs: H + T });
    expect(v.status).toBe('pass');
    expect(v.measured.detectionMs).toBe(120_000);
  });

  it('fails a client that let a fault longer than its bound pass unnoticed, without blaming a later dead link', () => {
    const trace = healing(600_000, [[3_700_000, 'link.dead', { reason: 'heartbeat timeout' }]]);
    const v = checkDetection(trace, { client: C, death: cut, boundMs: H + T });
    expect(v.status).toBe('fail');
    expect(v.summary).toBe(`not detected while the link was dead: it healed after 9m with no link.dead from ${C}, bound 3m10s`);
  });

  it('measures from the death event to the first link.dead after it', () => {
    const v = checkDetection(blackhole, { client: C, death: { type: 'toxic.added', toxic: 'cut' }, boundMs: H + T });
    expect(v.status).toBe('pass');
    expect(v.measured).toMatchObject({ deathAt: 60_000, detectedAt: 190_000, detectionMs: 130_000, reason: 'heartbeat timeout' });
    expect(v.summary).toBe('detected after 2m10s (heartbeat timeout), bound 3m10s');
    expect(v.bound).toEqual({ detectionMs: 190_000 });
  });

  it('passes exactly at the bound and fails one millisecond past it', () => {
    expect(checkDetection(blackhole, { client: C, death: 0, boundMs: 190_000 }).status).toBe('pass');
    const late = checkDetection(blackhole, { client: C, death: 0, boundMs: 189_999 });
    expect(late.status).toBe('fail');
    expect(late.summary).toContain('1ms late');
  });

  it('counts a link.dead at the very instant of death (an RST met at once)', () => {
    const trace = merge(rows('link:server#1', [[300_000, 'nat.expired', { link: 'server#1', idleMs: 300_000 }]]), rows(C, [[300_000, 'link.dead', { reason: 'reset' }]]));
    const v = checkDetection(trace, { client: C, death: { type: 'nat.expired' }, boundMs: 0 });
    expect(v.status).toBe('pass');
    expect(v.measured.detectionMs).toBe(0);
  });

  it('ignores link.dead before the death and from other clients', () => {
    const trace = merge(
      rows(C, [[10, 'link.dead', { reason: 'earlier' }], [5_000, 'link.dead', { reason: 'heartbeat timeout' }]]),
      rows('client:other', [[2_000, 'link.dead', { reason: 'other' }]]),
    );
    const v = checkDetection(trace, { client: C, death: 1_000, boundMs: 10_000 });
    expect(v.measured.detectionMs).toBe(4_000);
  });

  it('fails when the client never notices', () => {
    const trace = rows(C, [[0, 'connected', { attempt: 0 }], [600_000, 'heartbeat.sent']]);
    const v = checkDetection(trace, { client: C, death: 60_000, boundMs: H + T });
    expect(v.status).toBe('fail');
    expect(v.measured.detectionMs).toBeNull();
    expect(v.summary).toBe('not detected: no link.dead from client:tcp-1 in the 9m after the link died, bound 3m10s');
  });

  it('is an error when the death event is not in the trace', () => {
    const v = checkDetection(blackhole, { client: C, death: { type: 'nat.expired' }, boundMs: H + T });
    expect(v.status).toBe('error');
    expect(v.summary).toContain('the first nat.expired');
  });
});

describe('checkNoFalseAlarm', () => {
  const slow = merge(
    rows('proxy:server', [[1_000, 'toxic.added', { toxic: 'slow' }], [601_000, 'toxic.removed', { toxic: 'slow' }]]),
    rows(C, [[0, 'connected', { attempt: 0 }], [180_000, 'heartbeat.sent'], [185_000, 'heartbeat.reply', { rttMs: 5_000 }], [700_000, 'link.dead', { reason: 'server closed' }]]),
  );
  const window = { client: C, from: { type: 'toxic.added', toxic: 'slow' }, to: { type: 'toxic.removed', toxic: 'slow' } };

  it('passes when the client keeps the slow link', () => {
    const v = checkNoFalseAlarm(slow, window);
    expect(v.status).toBe('pass');
    expect(v.measured).toMatchObject({ from: 1_000, to: 601_000, falseAlarms: 0, firstAlarmMs: null });
    expect(v.summary).toBe('no false alarm in 10m of a slow but live link');
  });

  it('fails on a link.dead inside the window, and counts them', () => {
    const trace = merge(slow, rows(C, [[191_000, 'link.dead', { reason: 'heartbeat timeout' }], [400_000, 'link.dead', { reason: 'heartbeat timeout' }]]));
    const v = checkNoFalseAlarm(trace, window);
    expect(v.status).toBe('fail');
    expect(v.measured).toMatchObject({ falseAlarms: 2, firstAlarmMs: 190_000, reason: 'heartbeat timeout' });
  });

  it('runs to the end of the trace without `to`', () => {
    expect(checkNoFalseAlarm(slow, { client: C, from: 0 }).status).toBe('fail');
  });

  it('is an error when the window cannot be placed', () => {
    expect(checkNoFalseAlarm(slow, { client: C, from: { type: 'toxic.added', toxic: 'nope' } }).status).toBe('error');
    expect(checkNoFalseAlarm(slow, { client: C, from: 5_000, to: 10 }).status).toBe('error');
  });
});
