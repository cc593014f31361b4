import { afterEach, describe, expect, it } from 'vitest';
import { idleUntil, MIN, S, subjectWorld, type SubjectWorld } from './subject-world.ts';

let sw: SubjectWorld | undefined;
afterEach(async () => {
  await sw?.close();
  sw = undefined;
});

const scheduled = (world: SubjectWorld) => world.events('reconnect.scheduled').map((e) => e.delayMs);

describe('seed-rocket: the SocketRocket manager of seeds 001/002/004', () => {
  it('pings every 3 minutes and waits for no pong', async () => {
    sw = await subjectWorld('seed-rocket');
    await sw.world.idle(10 * MIN);
    expect(sw.events('heartbeat.sent').map((e) => e.t)).toEqual([3 * MIN, 6 * MIN, 9 * MIN]);
    expect(sw.events('heartbeat.reply')).toHaveLength(0);
  });

  it('never notices a blackhole: an hour of pings into it, still open', async () => {
    sw = await subjectWorld('seed-rocket');
    await sw.world.idle(MIN);
    sw.blackhole();
    await sw.world.idle(60 * MIN);
    expect(sw.events('link.dead')).toHaveLength(0);
    expect(sw.events('heartbeat.sent')).toHaveLength(20);
    expect(sw.client.state).toBe('open');
  });

  it('retries at once, then after 2, 4, 8, 16, 32, 64 s, and gives up 126 s into the outage', async () => {
    sw = await subjectWorld('seed-rocket');
    await sw.world.idle(MIN);
    await sw.restartAfter(3 * MIN);
    await sw.world.idle(10 * MIN);
    expect(scheduled(sw)).toEqual([0, 2000, 4000, 8000, 16000, 32000, 64000]);
    expect(sw.events('connect.attempt').map((e) => e.t - MIN)).toEqual([-MIN, 0, 2000, 6000, 14000, 30000, 62000, 126000]);
    expect(sw.events('reconnect.gave_up')).toMatchObject([{ t: MIN + 126 * S, attempts: 7 }]);
    expect(sw.client.state).toBe('closed');
  });

  it('starts the schedule over after any successful connection', async () => {
    sw = await subjectWorld('seed-rocket');
    await sw.world.idle(MIN);
    await sw.restartAfter(5 * S); // tries at +0 and +2 s fail; the one at +6 s gets in
    await idleUntil(sw, () => sw!.client.state === 'open', 2 * S);
    await sw.world.act(() => sw!.server.stop('crash'));
    await sw.world.idle(3 * S);
    expect(scheduled(sw)).toEqual([0, 2000, 4000, 0, 2000, 4000]);
  });

  it('holds a send made while connecting, looks again every 2 s, and sends it at the first look that finds it open', async () => {
    sw = await subjectWorld('seed-rocket', { connect: false });
    sw.proxy.toxics.add({ name: 'slow', type: 'latency', stream: 'downstream', attributes: { latency: 6000 } });
    sw.client.connect();
    await sw.world.idle(S);
    const id = sw.client.send({ early: true });
    await sw.world.idle(10 * S);
    expect(sw.events('connected')).toMatchObject([{ t: 6 * S }]);
    expect(sw.events('message.acked')).toEqual([expect.objectContaining({ t: 7 * S, id })]);
    expect(sw.world.trace.ofType('message.delivered')).toMatchObject([{ t: 7 * S, id }]);
  });

  it('loses a send still not open after 10 looks, 20 s after it was made', async () => {
    sw = await subjectWorld('seed-rocket', { connect: false });
    sw.proxy.toxics.add({ name: 'slow', type: 'latency', stream: 'downstream', attributes: { latency: 30_000 } });
    sw.client.connect();
    await sw.world.idle(S);
    sw.client.send({ early: true });
    await sw.world.idle(MIN);
    expect(sw.events('message.failed')).toMatchObject([{ t: 21 * S, reason: 'lost: still not open after 10 checks 2s apart' }]);
    expect(sw.events('connected')).toMatchObject([{ t: 30 * S }]);
  });

  it('gives up opening after 60 s (SocketRocket open timeout) and retries on its schedule', async () => {
    sw = await subjectWorld('seed-rocket', { connect: false });
    sw.blackhole();
    sw.client.connect();
    await sw.world.idle(3 * MIN);
    expect(sw.events('link.dead').map((e) => [e.t, e.reason])).toEqual([
      [MIN, 'connect timeout after 1m'],
      [2 * MIN, 'connect timeout after 1m'],
    ]);
    expect(sw.events('connect.attempt').map((e) => e.t)).toEqual([0, MIN, 2 * MIN + 2 * S]);
  });

  it('never reconnects after the user disconnects', async () => {
    sw = await subjectWorld('seed-rocket');
    await sw.world.idle(S);
    await sw.world.act(() => sw!.client.disconnect());
    await sw.world.idle(10 * MIN);
    expect(sw.client.state).toBe('closed');
    expect(sw.events('connect.attempt')).toHaveLength(1);
  });
});
