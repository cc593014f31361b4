import { describe, expect, it } from 'vitest';
import { forEachClock, useWorld, withWorld, type World } from '../../../test/support/world.ts';

/** Sends numbered messages `gapMs` apart and returns each one's round trip time, in order. */
async function roundTrips(w: World, count: number, gapMs: number): Promise<number[]> {
  const client = await w.connect();
  const rtts: number[] = [];
  for (let i = 0; i < count; i++) {
    rtts.push(await w.run(client.echo(`<${i}>`)));
    await w.pass(gapMs);
  }
  return rtts;
}

forEachClock((kind) => {
  describe('latency', () => {
    const world = useWorld(kind);

    it('delays every chunk by latency ms (downstream by default)', async () => {
      const w = world().toxics({ type: 'latency', attributes: { latency: 80 } });
      const client = await w.connect();
      w.expectMs(await w.run(client.echo('hi')), 80);
      w.expectMs(await w.run(client.echo('again')), 80);
    });

    it('adds up over both directions', async () => {
      const w = world().toxics(
        { type: 'latency', stream: 'upstream', attributes: { latency: 50 } },
        { type: 'latency', stream: 'downstream', attributes: { latency: 70 } },
      );
      const client = await w.connect();
      w.expectMs(await w.run(client.echo('hi')), 120);
    });

    it('counts from when a chunk was read, so chunks read while others wait are not delayed twice', async () => {
      const w = world().toxics({ type: 'latency', attributes: { latency: 100 } });
      const client = await w.connect();
      const t0 = w.now();
      client.send('a');
      await w.pass(40);
      client.send('b');
      const a = await w.run(client.receive('a'));
      const b = await w.run(client.receive('ab'));
      w.expectMs(a - t0, 100);
      w.expectMs(b - t0, 140);
    });

    it('keeps jitter within latency ± jitter', async () => {
      const w = world().toxics({ type: 'latency', attributes: { latency: 60, jitter: 20 } });
      const rtts = await roundTrips(w, 6, 50); // 50 ms apart: no chunk waits behind another
      for (const rtt of rtts) w.expectBetween(rtt, 40, 79);
    });

    it('never reorders chunks, however the jitter falls', async () => {
      const w = world().toxics({ type: 'latency', attributes: { latency: 30, jitter: 25 } });
      const client = await w.connect();
      const sent = Array.from({ length: 20 }, (_, i) => `<${i}>`);
      for (const message of sent) {
        client.send(message);
        await w.pass(2); // each message its own chunk
      }
      await w.run(client.receive(sent.at(-1)!));
      expect(client.text).toBe(sent.join(''));
      const times = client.chunks.map((c) => c.at);
      expect(times).toEqual([...times].sort((x, y) => x - y));
    });

    it('hands on everything it holds, in order, when removed', async () => {
      const w = world().toxics({ name: 'lag', type: 'latency', attributes: { latency: 10_000 } });
      const client = await w.connect();
      for (const message of ['one,', 'two,', 'three']) {
        client.send(message);
        await w.pass(20);
      }
      expect(client.text).toBe('');
      const removedAt = w.now();
      w.proxy.toxics.remove('lag');
      const at = await w.run(client.receive('one,two,three'));
      w.expectMs(at - removedAt, 0);
    });
  });
});

describe('latency jitter on the virtual clock', () => {
  const rttsFor = (seed: number) =>
    withWorld({ seed }, (w) => {
      w.toxics({ type: 'latency', attributes: { latency: 100, jitter: 40 } });
      return roundTrips(w, 12, 100);
    });

  it('draws whole milliseconds, the same ones for the same seed, other ones for another seed', async () => {
    const a = await rttsFor(7);
    const again = await rttsFor(7);
    const other = await rttsFor(8);
    expect(again).toEqual(a);
    expect(other).not.toEqual(a);
    for (const rtt of a) {
      expect(Number.isInteger(rtt)).toBe(true);
      expect(rtt).toBeGreaterThanOrEqual(60);
      expect(rtt).toBeLessThanOrEqual(139);
    }
    expect(new Set(a).size).toBeGreaterThan(6); // it does jitter
  });
});
