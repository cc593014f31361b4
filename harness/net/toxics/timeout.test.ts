import { describe, expect, it } from 'vitest';
import { forEachClock, useWorld } from '../../../test/support/world.ts';

forEachClock((kind) => {
  describe('timeout', () => {
    const world = useWorld(kind);

    it('drops every chunk and closes timeout ms after the last one', async () => {
      // On the real clock the timeout is long enough that a loaded machine's 60 ms pass stays under it.
      const timeout = kind === 'virtual' ? 150 : 600;
      const w = world().toxics({ type: 'timeout', attributes: { timeout } });
      const client = await w.connect();
      await w.pass(60);
      const sentAt = w.now();
      client.send('hi');
      const closing = await w.run(client.closed());
      expect(closing.how).toBe('fin');
      w.expectMs(closing.at - sentAt, timeout);
      expect(client.text).toBe('');
    });

    it('stays open while chunks keep coming (each one re-arms it)', async () => {
      // On the real clock a stall of the loaded process longer than the timeout fires it before the
      // waiting chunk is read, so the timeout there leaves room for one of most of a second.
      const timeout = kind === 'virtual' ? 200 : 1000;
      const w = world().toxics({ type: 'timeout', stream: 'upstream', attributes: { timeout } });
      const client = await w.connect();
      let lastAt = 0;
      for (let i = 0; i < (timeout * 1.5) / 50; i++) { // longer in all than the timeout
        lastAt = w.now(); // the proxy reads it a little later on the real clock, never sooner
        client.send('heartbeat');
        await w.pass(50);
      }
      expect(client.open).toBe(true);
      w.expectMs((await w.run(client.closed())).at - lastAt, timeout);
      expect(client.text).toBe('');
    });

    it('with timeout 0 drops everything and never closes', async () => {
      const w = world().toxics({ type: 'timeout', attributes: { timeout: 0 } });
      const client = await w.connect();
      client.send('hello?');
      await w.pass(w.virtual ? 24 * 3600_000 : 300);
      expect(client.open).toBe(true);
      expect(client.text).toBe('');
    });

    it('closes the connection when removed, so it cannot be healed', async () => {
      const w = world().toxics({ name: 'cut', type: 'timeout', attributes: { timeout: 0 } });
      const client = await w.connect();
      client.send('lost');
      await w.pass(50);
      const removedAt = w.now();
      w.proxy.toxics.remove('cut');
      const closing = await w.run(client.closed());
      expect(closing.how).toBe('fin');
      w.expectMs(closing.at - removedAt, 0);
      expect(client.text).toBe('');
    });
  });
});
