import { describe, expect, it } from 'vitest';
import { isFlatlineError } from '../util/errors.ts';
import { checkBackoff, type BackoffExpectation } from './backoff.ts';
import { rows, type Row } from './fixture.ts';
import { reconnectHistory } from './reconnects.ts';

const C = 'client:tcp-1';
const CONNECT_MS = 50;

interface OutageScript {
  /** Waits before each attempt. */
  delays: number[];
  /** The last attempt connects (otherwise all fail). */
  connects?: boolean;
  /** The client announces reconnect.scheduled (the reference client does; adapters may not). */
  announce?: boolean;
  /** The number the first attempt gets. */
  firstNumber?: number;
}

/** A connection lost at `start`, then attempts after the given waits; each failure takes CONNECT_MS. */
function outage(start: number, { delays, connects = true, announce = true, firstNumber = 1 }: OutageScript): Row[] {
  const list: Row[] = [[start, 'link.dead', { reason: 'heartbeat timeout' }]];
  let t = start;
  delays.forEach((delay, i) => {
    const attempt = firstNumber + i;
    if (announce) list.push([t, 'reconnect.scheduled', { attempt, delayMs: delay }]);
    t += delay;
    list.push([t, 'connect.attempt', { attempt }]);
    t += CONNECT_MS;
    const last = i === delays.length - 1;
    list.push(last && connects ? [t, 'connected', { attempt }] : [t, 'link.dead', { reason: 'connect refused' }]);
  });
  return list;
}

const connected: Row = [0, 'connected', { attempt: 0 }];
const exact: BackoffExpectation = { exact: [0, 2_000, 4_000, 8_000] };
const check = (list: Row[], expect: BackoffExpectation, endAt?: number) => checkBackoff(rows(C, list), { client: C, expect, endAt });

describe('checkBackoff: delays', () => {
  it('passes an exact schedule whose last entry repeats as the cap', () => {
    const v = check([connected, ...outage(10_000, { delays: [0, 2_000, 4_000, 8_000, 8_000, 8_000] })], exact);
    expect(v.status).toBe('pass');
    expect(v.measured).toMatchObject({ outages: 1, attempts: 6, maxDelayMs: 8_000, delays: '0ms 2s 4s 8s 8s 8s', problems: 0 });
    expect(v.bound).toMatchObject({ schedule: '0ms, 2s, 4s, 8s (last repeats)', toleranceMs: 0 });
    expect(v.summary).toBe('6 reconnect attempts in 1 outage on schedule (longest wait 8s)');
  });

  it('fails a delay one millisecond off, and a delay past the cap, unless within tolerance', () => {
    const offByOne = [connected, ...outage(10_000, { delays: [0, 2_000, 4_001] })];
    const v = check(offByOne, exact);
    expect(v.status).toBe('fail');
    expect(v.summary).toBe('outage 1: attempt 3 waited 4s1ms, expected 4s');
    expect(check(offByOne, { ...exact, toleranceMs: 1 }).status).toBe('pass');

    const pastCap = check([connected, ...outage(10_000, { delays: [0, 2_000, 4_000, 8_000, 16_000] })], exact);
    expect(pastCap.measured.firstProblem).toBe('outage 1: attempt 5 waited 16s, expected 8s');
  });

  it('judges jittered delays against per-attempt bounds', () => {
    const bounds: BackoffExpectation = { bounds: [{ min: 500, max: 1_500 }, { min: 1_000, max: 3_000 }, { min: 2_000, max: 5_000 }] };
    expect(check([connected, ...outage(0, { delays: [500, 2_999, 5_000, 2_000] })], bounds).status).toBe('pass');
    const v = check([connected, ...outage(0, { delays: [1_501, 1_000] })], bounds);
    expect(v.summary).toBe('outage 1: attempt 1 waited 1s501ms, expected 500ms..1s500ms');
  });

  it('measures delays from the failure even when the client does not announce them', () => {
    const list: Row[] = [
      connected,
      [1_000, 'link.dead', { reason: 'close' }],
      [1_000, 'connect.attempt', { attempt: 1 }],
      [1_050, 'state', { state: 'waiting' }],
      [3_050, 'connect.attempt', { attempt: 2 }],
      [3_100, 'connected', { attempt: 2 }],
    ];
    const v = check(list, exact);
    expect(v.status).toBe('pass');
    expect(v.measured.delays).toBe('0ms 2s');
  });

  it('judges what the client did, not what it announced', () => {
    const list = outage(0, { delays: [0, 2_000] }).map(([t, type, d]): Row => (type === 'reconnect.scheduled' ? [t, type, { ...d, delayMs: 999 }] : [t, type, d]));
    expect(check([connected, ...list], exact).status).toBe('pass');
    const history = reconnectHistory(rows(C, [connected, ...list]), C);
    expect(history.episodes[0]!.attempts.map((a) => [a.delayMs, a.announcedMs])).toEqual([[0, 999], [2_000, 999]]);
    const cancelled = reconnectHistory(
      rows(C, [connected, ...list.slice(0, 2), [10, 'disconnect.requested'], [20, 'connect.attempt', { attempt: 0 }], [30, 'link.dead', { reason: 'x' }], [40, 'connect.attempt', { attempt: 1 }]]),
      C,
    );
    expect(cancelled.episodes.map((ep) => [ep.end, ep.attempts.map((a) => a.announcedMs)])).toEqual([['user_disconnect', []], ['trying', [null]]]);
  });

  it('fails an outage left waiting past the next delay', () => {
    const list = [connected, ...outage(0, { delays: [0, 2_000], connects: false })];
    expect(check(list, exact, 6_100).status).toBe('pass'); // attempt 2 failed at 2_100: waited exactly 4s for attempt 3
    const v = check(list, exact, 6_101);
    expect(v.summary).toBe('outage 1: no attempt 3 after waiting 4s1ms, expected 4s');
    expect(check([connected, [1_000, 'link.dead', { reason: 'x' }]], exact, 60_000).summary).toBe('outage 1: no attempt 1 after waiting 59s, expected 0ms');
  });

  it('does not hold an attempt still connecting at the end of the run against the next delay', () => {
    const connecting = outage(0, { delays: [0, 2_000], connects: false }).slice(0, -1); // attempt 2 never finishes
    expect(check([connected, ...connecting], exact, 600_000).status).toBe('pass');
  });

  it('fails a client that never retries a failed first connect', () => {
    const v = check([[0, 'connect.attempt', { attempt: 0 }], [50, 'link.dead', { reason: 'refused' }]], exact, 60_000);
    expect(v.summary).toBe('outage 1: no attempt 1 after waiting 59s950ms, expected 0ms');
  });
});

describe('checkBackoff: reset', () => {
  it('expects the counter back at 1 after a stable connection', () => {
    const first = outage(10_000, { delays: [0, 2_000, 4_000] });
    expect(check([connected, ...first, ...outage(600_000, { delays: [0, 2_000] })], exact).status).toBe('pass');
    const noReset = check([connected, ...first, ...outage(600_000, { delays: [8_000], firstNumber: 4 })], exact);
    expect(noReset.status).toBe('fail');
    expect(noReset.summary).toContain('outage 2: attempt 1 was numbered 4 (counter not reset after a stable connection)');
    expect(noReset.summary).toContain('(+1 more)'); // and its delay is the 4th, not the 1st
  });

  it('treats a connection shorter than resetAfterMs as part of the same outage', () => {
    const expect20s: BackoffExpectation = { ...exact, resetAfterMs: 20_000 };
    const first = outage(10_000, { delays: [0, 2_000] }); // connected at 12_100
    const continued = check([connected, ...first, ...outage(17_100, { delays: [4_000], firstNumber: 3 })], expect20s);
    expect(continued.status).toBe('pass');
    expect(continued.measured.outages).toBe(1);
    const resetTooSoon = check([connected, ...first, ...outage(17_100, { delays: [0], firstNumber: 1 })], expect20s);
    expect(resetTooSoon.summary).toMatch(/^outage 1: attempt 3 was numbered 1 /);
  });
});

describe('checkBackoff: give-up and user disconnect', () => {
  const giveUp3: BackoffExpectation = { ...exact, giveUpAfter: 3 };
  const failing = (n: number): Row[] => outage(1_000, { delays: [0, 2_000, 4_000, 8_000].slice(0, n), connects: false });
  const gaveUpAt = (list: Row[]): Row => [list.at(-1)![0], 'reconnect.gave_up', { attempts: 3 }];

  it('passes a give-up after the promised number of attempts', () => {
    const list = [connected, ...failing(3)];
    const v = check([...list, gaveUpAt(list)], giveUp3, 3_600_000);
    expect(v.status).toBe('pass');
    expect(v.measured.gaveUp).toBe(1);
    expect(v.summary).toContain('gave up after 3 as expected');
  });

  it('waits for the last attempt to fail before expecting the give-up', () => {
    const lastConnecting = failing(3).slice(0, -1);
    expect(check([connected, ...lastConnecting], giveUp3, 3_600_000).status).toBe('pass');
    expect(check([connected, ...failing(3)], giveUp3).status).toBe('pass'); // the run ended as it failed
  });

  it('fails giving up early, trying too long, not giving up, and giving up when it should not', () => {
    const early = [connected, ...failing(2)];
    expect(check([...early, gaveUpAt(early)], giveUp3).summary).toBe('outage 1: gave up after 2 attempts, expected after 3');
    expect(check([connected, ...failing(4)], giveUp3).summary).toBe('outage 1: made 4 attempts; expected to give up after 3');
    expect(check([connected, ...failing(3)], giveUp3, 3_600_000).summary).toBe('outage 1: 3 attempts failed and it did not give up');
    const list = [connected, ...failing(3)];
    expect(check([...list, gaveUpAt(list)], exact).summary).toBe('outage 1: gave up after 3 attempts; expected to keep trying');
  });

  it('fails a reconnect after the user asked to disconnect', () => {
    const polite: Row[] = [connected, [5_000, 'disconnect.requested'], [5_000, 'link.dead', { reason: 'user' }]];
    expect(check(polite, exact, 60_000).status).toBe('error'); // no outage: nothing to judge
    const v = check([...polite, [5_000, 'connect.attempt', { attempt: 1 }]], exact);
    expect(v.status).toBe('fail');
    expect(v.summary).toBe('1 reconnect attempt after the user asked to disconnect');
  });

  it('judges reconnects after a failed first connect', () => {
    const list: Row[] = [[0, 'connect.attempt', { attempt: 0 }], [50, 'link.dead', { reason: 'refused' }], ...outage(50, { delays: [0, 2_000] }).slice(1)];
    const v = check(list, exact);
    expect(v.status).toBe('pass');
    expect(v.measured.attempts).toBe(2);
  });
});

describe('checkBackoff: usage', () => {
  it('is an error when the client never lost a connection', () => {
    expect(check([connected], exact).status).toBe('error');
  });

  it('rejects expectations it cannot judge against', () => {
    const bad: BackoffExpectation[] = [
      { exact: [0], bounds: [{ min: 0, max: 1 }] },
      { exact: [] },
      { exact: [-1] },
      { bounds: [{ min: 5, max: 1 }] },
      { exact: [0], giveUpAfter: 0 },
      { exact: [0], toleranceMs: Number.NaN },
    ];
    for (const expect_ of bad) {
      let thrown: unknown;
      try {
        check([connected, ...outage(0, { delays: [0] })], expect_);
      } catch (err) {
        thrown = err;
      }
      expect(isFlatlineError(thrown, 'FLATLINE_ERR_USAGE'), JSON.stringify(expect_)).toBe(true);
    }
  });

  it('checks only the give-up when no delays are given', () => {
    expect(check([connected, ...outage(0, { delays: [123, 456_789] })], {}).status).toBe('pass');
  });
});

describe('checkBackoff: long runs', () => {
  it('judges an outage of 200,000 attempts (a spread of its delays would overflow the stack)', () => {
    const delays = [0, 2_000, 4_000, ...new Array<number>(200_000 - 3).fill(8_000)];
    const v = check([connected, ...outage(10_000, { delays })], exact);
    expect(v.status).toBe('pass');
    expect(v.measured).toMatchObject({ outages: 1, attempts: 200_000, maxDelayMs: 8_000 });
    expect(v.summary).toBe('200000 reconnect attempts in 1 outage on schedule (longest wait 8s)');
  });
});
