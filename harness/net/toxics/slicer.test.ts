import { describe, expect, it } from 'vitest';
import { forEachClock, useWorld, withWorld } from '../../../test/support/world.ts';

/** `n` bytes whose order can be checked. */
const numbered = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26))).join('');

forEachClock((kind) => {
  describe('slicer', () => {
    const world = useWorld(kind);

    it('sends a chunk as pieces `delay` µs apart, every byte in order', async () => {
      // 1000 bytes, average 100, no variation: halved down to 16 pieces of 62-63 bytes, 10 ms apart
      const w = world().toxics({ type: 'slicer', attributes: { average_size: 100, size_variation: 0, delay: 10_000 } });
      const client = await w.connect();
      const t0 = w.now();
      client.send(numbered(1000));
      w.expectMs((await w.run(client.receiveBytes(1000))) - t0, 150);
      expect(client.text).toBe(numbered(1000));
    });
  });
});

describe('slicer on the virtual clock', () => {
  const world = useWorld('virtual');

  it('delivers pieces of at most average_size + size_variation, exactly delay apart, across chunks too', async () => {
    const w = world().toxics({ type: 'slicer', attributes: { average_size: 100, size_variation: 30, delay: 5000 } });
    const client = await w.connect();
    client.send(numbered(2000));
    await w.pass(1);
    client.send(numbered(1000));
    await w.run(client.receiveBytes(3000));
    expect(client.text).toBe(numbered(2000) + numbered(1000));
    const sizes = client.chunks.map((c) => c.text.length);
    for (const size of sizes) expect(size).toBeGreaterThan(0);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(130);
    expect(new Set(sizes).size).toBeGreaterThan(3); // the variation is used
    const gaps = client.chunks.slice(1).map((c, i) => c.at - client.chunks[i]!.at);
    expect(new Set(gaps)).toEqual(new Set([5]));
  });
});

describe('slicer pieces', () => {
  it('are cut the same for the same seed', async () => {
    const sizes = (seed: number) =>
      withWorld({ seed }, async (w) => {
        w.toxics({ type: 'slicer', attributes: { average_size: 50, size_variation: 20, delay: 1000 } });
        const client = await w.connect();
        client.send(numbered(1500));
        await w.run(client.receiveBytes(1500));
        return client.chunks.map((c) => c.text.length);
      });
    const a = await sizes(3);
    expect(await sizes(3)).toEqual(a);
    expect(await sizes(4)).not.toEqual(a);
  });
});
