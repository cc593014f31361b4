import { afterEach, describe, expect, it } from 'vitest';
import { countDelivery } from '../checks/delivery.ts';
import { socketIoBackoff } from './socketio.ts';
import { idleUntil, MIN, outages, S, subjectWorld, type SubjectWorld } from './subject-world.ts';

let sw: SubjectWorld | undefined;
afterEach(async () => {
  await sw?.close();
  sw = undefined;
});

describe('socketio: socket.io-client v4 against a socket.io server, defaults untouched', () => {
  it('promises the backoff of its defaults: 1 s x2, ±50 %, capped at 5 s', () => {
    expect(socketIoBackoff()).toEqual({
      bounds: [
        { min: 500, max: 1500 },
        { min: 1000, max: 3000 },
        { min: 2000, max: 5000 },
        { min: 4000, max: 5000 },
        { min: 5000, max: 5000 },
      ],
      resetAfterMs: 0,
    });
  });

  it('answers the server ping every 25 s', async () => {
    sw = await subjectWorld('socketio');
    await sw.world.idle(5 * MIN);
    const beats = sw.events('heartbeat.sent').map((e) => e.t);
    expect(beats).toHaveLength(12);
    expect(beats.map((t, i) => t - (beats[i - 1] ?? 0))).toEqual(Array(12).fill(25 * S));
  });

  it('declares a blackholed link dead 45 s after the last ping ("ping timeout"), then retries into it every 20 s connect timeout', async () => {
    sw = await subjectWorld('socketio');
    await sw.world.idle(70 * S);
    sw.blackhole(); // the last ping came at 50 s: the client gives up at 50 + 45 = 95 s
    await sw.world.idle(2 * MIN);
    const [dead, ...failures] = sw.events('link.dead');
    expect(sw.events('heartbeat.sent').at(-1)!.t).toBe(50 * S);
    expect(dead).toMatchObject({ t: 95 * S, reason: 'ping timeout' });
    expect(failures[0]).toMatchObject({ reason: 'connect failed: timeout' });
    sw.heal();
    await idleUntil(sw, () => sw!.client.state === 'open', 30 * S);
  });

  it('reconnects after a server restart within its jittered bounds, announced as waited, back within 5 s', async () => {
    sw = await subjectWorld('socketio');
    await sw.world.idle(MIN);
    const restartedAt = await sw.restartAfter(MIN);
    await idleUntil(sw, () => sw!.client.state === 'open', 6 * S);
    const { bounds } = socketIoBackoff();
    const [outage] = outages(sw);
    expect(outage!.attempts.length).toBeGreaterThanOrEqual(13);
    outage!.attempts.forEach((a, i) => {
      const { min, max } = bounds![Math.min(i, bounds!.length - 1)]!;
      expect(a.delayMs).toBeGreaterThanOrEqual(min);
      expect(a.delayMs).toBeLessThanOrEqual(max);
      expect(a.announcedMs).toBe(a.delayMs);
    });
    expect(sw.events('connected').at(-1)!.t - restartedAt).toBeLessThanOrEqual(5 * S);
  });

  it('draws its jitter from the seeded stream: the same seed waits the same, another seed differs', async () => {
    const waits = async (seed: number) => {
      const world = await subjectWorld('socketio', { seed });
      try {
        await world.world.idle(MIN);
        await world.restartAfter(10 * S);
        await world.world.idle(10 * S);
        return outages(world)[0]!.attempts.map((a) => a.delayMs);
      } finally {
        await world.close();
      }
    };
    const first = await waits(1);
    expect(await waits(1)).toEqual(first);
    expect(await waits(2)).not.toEqual(first);
  });

  it('loses what it emitted into a blackhole before noticing (never acked, never resent), buffers the rest for the reconnect', async () => {
    sw = await subjectWorld('socketio');
    await sw.world.idle(S);
    for (let i = 0; i < 180; i++) {
      if (i === 30) sw.blackhole();
      if (i === 120) sw.heal();
      sw.client.send({ i });
      await sw.world.idle(S);
    }
    await sw.world.idle(MIN);
    const blackholedAt = sw.world.trace.ofType('toxic.added')[0]!.t;
    const deadAt = sw.events('link.dead')[0]!.t;
    const delivered = new Set(sw.world.trace.ofType('message.delivered').map((e) => e.id));
    const sent = sw.events('message.sent');
    // exactly the emits between the blackhole and the ping timeout went into the void
    const intoTheVoid = sent.filter((e) => e.t >= blackholedAt && e.t < deadAt).map((e) => e.id);
    expect(sent.filter((e) => !delivered.has(e.id)).map((e) => e.id)).toEqual(intoTheVoid);
    expect(intoTheVoid).toHaveLength(39); // 31 s .. 69 s: the last ping came at 25 s, the timeout at 70 s
    expect(countDelivery(sw.world.trace.events)).toMatchObject({ attempted: 180, acknowledged: 141, ok: 141, lost: 0, duplicated: 0, recovered: 0 });
  });

  it('never reconnects after the user disconnects', async () => {
    sw = await subjectWorld('socketio');
    await sw.world.idle(MIN);
    await sw.world.act(() => sw!.client.disconnect());
    await sw.world.idle(10 * MIN);
    expect(sw.client.state).toBe('closed');
    expect(sw.events('connect.attempt')).toHaveLength(1);
    expect(sw.events('reconnect.scheduled')).toHaveLength(0);
  });
});
