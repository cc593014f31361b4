import { afterEach, describe, expect, it } from 'vitest';
import { countDelivery } from '../checks/delivery.ts';
import { idleUntil, MIN, outages, S, subjectWorld, type SubjectWorld } from './subject-world.ts';

let sw: SubjectWorld | undefined;
afterEach(async () => {
  await sw?.close();
  sw = undefined;
});

describe('seed-cocoa: the CocoaAsyncSocket manager of seed 000', () => {
  it('beats every 15 s from the moment it connects, and waits for no reply', async () => {
    sw = await subjectWorld('seed-cocoa');
    await sw.world.idle(MIN);
    expect(sw.events('heartbeat.sent').map((e) => e.t)).toEqual([0, 15 * S, 30 * S, 45 * S, 60 * S]);
    expect(sw.events('heartbeat.reply')).toHaveLength(0);
  });

  it('keeps a 5-minute NAT mapping alive: 6 hours with no expiry and no reconnect', async () => {
    sw = await subjectWorld('seed-cocoa');
    sw.proxy.toxics.add({ type: 'nat_idle', attributes: { timeout: 5 * MIN } });
    await sw.world.idle(6 * 60 * MIN);
    expect(sw.world.trace.ofType('nat.expired')).toHaveLength(0);
    expect(sw.events('connect.attempt')).toHaveLength(1);
  });

  it('never notices a blackhole: its heartbeats are written into it for an hour, and so are its messages', async () => {
    sw = await subjectWorld('seed-cocoa');
    await sw.world.idle(MIN);
    sw.blackhole();
    for (let i = 0; i < 10; i++) sw.client.send({ i });
    await sw.world.idle(60 * MIN);
    expect(sw.events('link.dead')).toHaveLength(0);
    expect(sw.events('heartbeat.sent').filter((e) => e.t > MIN)).toHaveLength(240);
    expect(countDelivery(sw.world.trace.events)).toMatchObject({ attempted: 10, acknowledged: 10, lost: 10 });
  });

  it('reconnects 1 s after each disconnect callback, forever: 180 tries in a 3-minute outage, back 1 s after', async () => {
    sw = await subjectWorld('seed-cocoa');
    await sw.world.idle(MIN);
    const restartedAt = await sw.restartAfter(3 * MIN);
    await idleUntil(sw, () => sw!.world.trace.ofType('server.accepted').length === 2, 2 * S);
    // every try reaches the proxy, "connects", and is dropped when the proxy finds no server
    const tries = outages(sw);
    expect(tries).toHaveLength(181);
    expect(new Set(tries.flatMap((o) => o.attempts.map((a) => `${a.attempt}:${a.delayMs}`)))).toEqual(new Set(['1:1000']));
    expect(sw.world.trace.ofType('server.accepted').at(-1)!.t - restartedAt).toBeLessThanOrEqual(S);
  });

  it('never reconnects after the user disconnects (disConnect clears the delegate first)', async () => {
    sw = await subjectWorld('seed-cocoa');
    await sw.world.idle(S);
    await sw.world.act(() => sw!.client.disconnect());
    await sw.world.idle(10 * MIN);
    expect(sw.client.state).toBe('closed');
    expect(sw.events('connect.attempt')).toHaveLength(1);
  });
});
