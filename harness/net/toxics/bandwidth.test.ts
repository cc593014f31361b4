import { describe, expect, it } from 'vitest';
import { forEachClock, useWorld } from '../../../test/support/world.ts';

const bytes = (n: number) => 'x'.repeat(n);

forEachClock((kind) => {
  describe('bandwidth', () => {
    const world = useWorld(kind);

    it('moves rate KB/s: 20,000 bytes at 100 KB/s take 200 ms', async () => {
      const w = world().toxics({ type: 'bandwidth', attributes: { rate: 100 } });
      const client = await w.connect();
      const t0 = w.now();
      client.send(bytes(20_000));
      w.expectMs((await w.run(client.receiveBytes(20_000))) - t0, 200);
      expect(client.text).toBe(bytes(20_000));
    });

    it('stalls the direction at rate 0 until the toxic is removed', async () => {
      const w = world().toxics({ name: 'stall', type: 'bandwidth', attributes: { rate: 0 } });
      const client = await w.connect();
      client.send('hello');
      await w.pass(200);
      expect(client.text).toBe('');
      const removedAt = w.now();
      w.proxy.toxics.remove('stall');
      w.expectMs((await w.run(client.receive('hello'))) - removedAt, 0);
    });

    it('at rate 0 holds a close behind stalled data, and lets it pass when nothing is stalled', async () => {
      const w = world().toxics({ type: 'bandwidth', attributes: { rate: 0 } });
      const quiet = await w.connect();
      const t0 = w.now();
      quiet.server.end();
      w.expectMs((await w.run(quiet.closed())).at - t0, 0);

      const talking = await w.connect();
      talking.send('hello');
      await w.pass(20);
      talking.server.end();
      await w.pass(200);
      expect(talking.open).toBe(true);
    });
  });
});

describe('bandwidth on the virtual clock', () => {
  const world = useWorld('virtual');

  it('moves 50,000 bytes at 10 KB/s in 5 s, 1,000 bytes per 100 ms', async () => {
    const w = world().toxics({ type: 'bandwidth', attributes: { rate: 10 } });
    const client = await w.connect();
    const t0 = w.now();
    client.send(bytes(50_000));
    await w.pass(1000);
    expect(client.text.length).toBe(10_000);
    expect(client.chunks.slice(0, 3).map((c) => [c.at - t0, c.text.length])).toEqual([
      [100, 1000],
      [200, 1000],
      [300, 1000],
    ]);
    expect((await w.run(client.receiveBytes(50_000))) - t0).toBe(5000);
  });
});
