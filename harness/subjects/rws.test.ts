import { afterEach, describe, expect, it } from 'vitest';
import { countDelivery } from '../checks/delivery.ts';
import { Rng } from '../util/rng.ts';
import { rwsBackoff } from './rws.ts';
import { RWS_LOAD_SEED, RWS_MIN_RECONNECTION_DELAY } from './rws-library.ts';
import { idleUntil, MIN, outages, S, subjectWorld, type SubjectWorld } from './subject-world.ts';

let sw: SubjectWorld | undefined;
afterEach(async () => {
  await sw?.close();
  sw = undefined;
});

describe('rws: reconnecting-websocket 4.4.0 with its defaults', () => {
  it('drew minReconnectionDelay from the fixed load seed: 2548 ms, then x1.3 up to the 10 s cap', () => {
    expect(RWS_MIN_RECONNECTION_DELAY).toBe(Math.trunc(1000 + new Rng(RWS_LOAD_SEED).next() * 4000));
    expect(rwsBackoff()).toEqual({ exact: [2548, 3313, 4307, 5599, 7279, 9463, 10000], resetAfterMs: 5000 });
  });

  it('sends no heartbeat and never notices a blackhole: an hour later it still thinks it is open', async () => {
    sw = await subjectWorld('rws');
    await sw.world.idle(MIN);
    sw.blackhole();
    await sw.world.idle(60 * MIN);
    expect(sw.events('heartbeat.sent')).toHaveLength(0);
    expect(sw.events('link.dead')).toHaveLength(0);
    expect(sw.client.state).toBe('open');
    // no TCP retransmission timeout on loopback behind a proxy that swallows bytes: TCP never gives up either
    expect(sw.world.trace.ofType('link.closed')).toHaveLength(0);
  });

  it('reconnects after a server restart on its own schedule, announced as waited, back within 10 s', async () => {
    sw = await subjectWorld('rws');
    await sw.world.idle(MIN);
    const restartedAt = await sw.restartAfter(MIN);
    await idleUntil(sw, () => sw!.client.state === 'open', 11 * S);
    const [outage] = outages(sw, 5000);
    const waits = outage!.attempts.map((a) => a.delayMs);
    expect(waits).toEqual([2548, 3313, 4307, 5599, 7279, 9463, 10000, 10000, 10000].slice(0, waits.length));
    expect(waits.length).toBeGreaterThanOrEqual(8);
    expect(outage!.attempts.map((a) => a.announcedMs)).toEqual(waits);
    expect(sw.events('connected').at(-1)!.t - restartedAt).toBeLessThanOrEqual(10 * S);
  });

  it('restarts the schedule only after 5 s up: a shorter connection continues it', async () => {
    sw = await subjectWorld('rws');
    const crashAndRestart = async (downMs: number) => {
      await sw!.restartAfter(downMs);
      await idleUntil(sw!, () => sw!.client.state === 'open', 11 * S);
    };
    await sw.world.idle(MIN);
    await crashAndRestart(5 * S); // retries after 2548 and 3313 ms: back at 5861 ms
    await sw.world.idle(2 * S); // up 2 s: the counter stays at 2
    await crashAndRestart(S);
    await sw.world.idle(MIN); // up a minute: the counter resets
    await crashAndRestart(S);
    const scheduled = sw.events('reconnect.scheduled').map((e) => [e.attempt, e.delayMs]);
    expect(scheduled).toEqual([
      [1, 2548],
      [2, 3313],
      [3, 4307],
      [1, 2548],
    ]);
  });

  it('writes into a blackhole without knowing (lost), and queues sends while closed for the reopen (delivered)', async () => {
    sw = await subjectWorld('rws');
    await sw.world.idle(S);
    const sendEverySecond = async (seconds: number) => {
      for (let i = 0; i < seconds; i++) {
        sw!.client.send({ i });
        await sw!.world.idle(S);
      }
    };
    await sendEverySecond(30);
    sw.blackhole();
    await sendEverySecond(60);
    sw.heal();
    await sendEverySecond(30);
    await sw.world.act(() => sw!.server.stop('crash'));
    await sendEverySecond(60);
    await sw.world.act(() => sw!.server.start());
    await sendEverySecond(30);
    await sw.world.idle(MIN);
    const counts = countDelivery(sw.world.trace.events);
    expect(counts).toMatchObject({ attempted: 210, acknowledged: 210, lost: 60, duplicated: 0, reordered: 0 });
    expect(sw.events('link.dead')).not.toHaveLength(0);
  });

  it('never reconnects after the user disconnects', async () => {
    sw = await subjectWorld('rws');
    await sw.world.idle(MIN);
    await sw.world.act(() => sw!.client.disconnect());
    await sw.world.idle(10 * MIN);
    expect(sw.client.state).toBe('closed');
    expect(sw.events('connect.attempt')).toHaveLength(1);
    expect(sw.events('reconnect.scheduled')).toHaveLength(0);
  });
});
