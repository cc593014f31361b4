import { describe, expect, it } from 'vitest';
import { merge, rows, type Row } from './fixture.ts';
import { checkKeepalive } from './keepalive.ts';

const C = 'client:tcp-1';
const NAT = 300_000;

/** Connected at 1s, a heartbeat exchange every 3 minutes until `until`. */
function heartbeats(until: number): Row[] {
  const list: Row[] = [[1_000, 'connected', { attempt: 0 }]];
  for (let t = 181_000; t <= until; t += 180_000) list.push([t, 'heartbeat.sent'], [t + 20, 'heartbeat.reply', { rttMs: 20 }]);
  return list;
}

describe('checkKeepalive', () => {
  it('passes when the connection survives k x the NAT timeout from its first connect', () => {
    const v = checkKeepalive(rows(C, heartbeats(1_000_000)), { client: C, windowMs: 3 * NAT, natTimeoutMs: NAT });
    expect(v.status).toBe('pass');
    expect(v.summary).toBe('survived 15m (3 x NAT timeout 5m) idle: no link.dead, no reconnect');
    expect(v.measured).toMatchObject({ from: 1_000, breaks: 0, reconnects: 0, firstBreakMs: null });
    expect(v.bound).toEqual({ windowMs: 900_000, natTimeoutMs: NAT });
  });

  it('fails on a break and a reconnect inside the window, measuring the first break', () => {
    const trace = rows(C, [
      ...heartbeats(200_000),
      [541_000, 'link.dead', { reason: 'heartbeat timeout' }],
      [541_000, 'connect.attempt', { attempt: 1 }],
      [541_050, 'connected', { attempt: 1 }],
      [1_000_000, 'heartbeat.sent'],
    ]);
    const v = checkKeepalive(trace, { client: C, windowMs: 3 * NAT });
    expect(v.status).toBe('fail');
    expect(v.measured).toMatchObject({ breaks: 1, reconnects: 1, firstBreakMs: 540_000 });
    expect(v.summary).toBe('broke after 9m of 15m: 1 link.dead, 1 reconnect');
  });

  it('on the sim NAT, an expiry the client\'s next packet picks up on the same port is no break, and the summary says the verdict rests on it', () => {
    const trace = merge(rows(C, heartbeats(1_000_000)), rows('nat:subject', [[200_000, 'nat.expired', { transparent: true, next: 'the client\'s next packet re-creates it on the same port (loose pickup): the connection goes on' }], [360_000, 'nat.mapping.created', { by: 'pickup' }]]));
    const v = checkKeepalive(trace, { client: C, windowMs: 3 * NAT });
    expect(v.status).toBe('pass');
    expect(v.summary).toBe('survived 15m idle: no link.dead, no reconnect; the NAT mapping expired 1 time and was picked up again each time (loose conntrack, port kept: the verdict rests on those expiry semantics)');
    expect(v.measured).toMatchObject({ natExpiries: 0, natPickups: 1 });
  });

  it('on the sim NAT, the server speaking first after expiry breaks the connection: the NAT resets the server\'s end and the client never hears', () => {
    const trace = merge(rows(C, [[1_000, 'connected', { attempt: 0 }], [1_000_000, 'heartbeat.sent']]), rows('nat:subject', [[301_000, 'nat.expired', { transparent: true }], [400_000, 'nat.reset.sent', { side: 'outside' }]]));
    const v = checkKeepalive(trace, { client: C, windowMs: 3 * NAT });
    expect(v.status).toBe('fail');
    expect(v.summary).toBe(`broke after 6m39s of 15m: the NAT reset the server's end and ${C} never noticed`);
  });

  it('on the sim NAT, the expiry of a connection that had closed already (its FIN seen) is housekeeping, no break; a live one says what it meant', () => {
    const trace = merge(
      rows(C, heartbeats(1_000_000)),
      rows('nat:subject', [
        [120_000, 'nat.expired', { state: 'fin', transparent: false }],
        [400_000, 'nat.expired', { state: 'established', transparent: false, next: 'every later packet is dropped' }],
      ]),
    );
    const v = checkKeepalive(trace, { client: C, windowMs: 3 * NAT });
    expect(v.summary).toBe(`broke after 6m39s of 15m: the NAT mapping expired and ${C} never noticed`);
    expect(v.measured).toMatchObject({ natExpiries: 1, natExpiry: 'every later packet is dropped' });
  });

  it('fails when the NAT mapping expires under a client that never notices (no heartbeat)', () => {
    const silent = merge(rows(C, [[1_000, 'connected', { attempt: 0 }]]), rows('link:server#1', [[301_000, 'nat.expired', { idleMs: NAT }], [1_000_000, 'link.opened']]));
    const v = checkKeepalive(silent, { client: C, windowMs: 3 * NAT });
    expect(v.status).toBe('fail');
    expect(v.measured).toMatchObject({ breaks: 0, reconnects: 0, natExpiries: 1, firstBreakMs: 300_000 });
    expect(v.summary).toBe('broke after 5m of 15m: the NAT mapping expired and client:tcp-1 never noticed');
  });

  it('counts a reconnect without link.dead as a break, and ignores other clients and events after the window', () => {
    const trace = merge(
      rows(C, [...heartbeats(1_000_000), [300_000, 'connect.attempt', { attempt: 1 }], [950_000, 'link.dead', { reason: 'later' }]]),
      rows('client:other', [[100_000, 'link.dead', { reason: 'not mine' }]]),
    );
    const v = checkKeepalive(trace, { client: C, windowMs: 3 * NAT });
    expect(v.measured).toMatchObject({ breaks: 0, reconnects: 1, firstBreakMs: 299_000 });
  });

  it('is an error when the run is shorter than the window, unless endAt says it ran long enough', () => {
    const short = rows(C, heartbeats(400_000));
    const v = checkKeepalive(short, { client: C, windowMs: 3 * NAT });
    expect(v.status).toBe('error');
    expect(v.summary).toContain('idle longer');
    expect(checkKeepalive(short, { client: C, windowMs: 3 * NAT, endAt: 901_000 }).status).toBe('pass');
  });

  it('is an error when the client was not connected at the window start', () => {
    const trace = merge(rows(C, heartbeats(1_000_000)), rows(C, [[50_000, 'link.dead', { reason: 'x' }]]));
    expect(checkKeepalive(trace, { client: C, from: 60_000, windowMs: NAT }).status).toBe('error');
    expect(checkKeepalive(rows(C, [[0, 'state', { state: 'connecting' }], [2_000_000, 'state', { state: 'closed' }]]), { client: C, windowMs: NAT }).status).toBe('error');
  });

  it('starts the window at an explicit moment', () => {
    const trace = merge(rows(C, heartbeats(2_000_000)), rows('proxy:server', [[500_000, 'toxic.added', { toxic: 'nat', toxicType: 'nat_idle' }]]));
    const v = checkKeepalive(trace, { client: C, from: { type: 'toxic.added', toxic: 'nat' }, windowMs: 3 * NAT });
    expect(v.status).toBe('pass');
    expect(v.measured.from).toBe(500_000);
  });
});
