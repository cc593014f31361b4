import { describe, expect, it } from 'vitest';
import { forEachClock, useWorld } from '../../../test/support/world.ts';

forEachClock((kind) => {
  describe('limit_data', () => {
    const world = useWorld(kind);

    it('lets exactly `bytes` bytes through, truncating the last chunk, then closes', async () => {
      const w = world().toxics({ type: 'limit_data', attributes: { bytes: 10 } });
      const client = await w.connect();
      client.send('abcd');
      await w.pass(20);
      client.send('efghijklmnop');
      const closing = await w.run(client.closed());
      expect(closing.how).toBe('fin');
      expect(client.text).toBe('abcdefghij');
    });

    it('counts the budget per connection', async () => {
      const w = world().toxics({ type: 'limit_data', attributes: { bytes: 3 } });
      for (const client of [await w.connect(), await w.connect()]) {
        client.send('12345');
        await w.run(client.closed());
        expect(client.text).toBe('123');
      }
    });

    it('keeps counting from the start of the connection when its budget is updated', async () => {
      const w = world().toxics({ name: 'cap', type: 'limit_data', attributes: { bytes: 100 } });
      const client = await w.connect();
      await w.run(client.echo('123456'));
      w.proxy.toxics.update('cap', { attributes: { bytes: 8 } });
      client.send('abcdef');
      await w.run(client.closed());
      expect(client.text).toBe('123456ab');
    });

    it('delivers its last bytes through the toxics after it before the close', async () => {
      const w = world().toxics(
        { type: 'limit_data', attributes: { bytes: 5 } },
        { type: 'latency', attributes: { latency: 50 } },
      );
      const client = await w.connect();
      client.send('hello world');
      await w.run(client.closed());
      expect(client.text).toBe('hello');
    });
  });
});
