import { describe, expect, it } from 'vitest';
import { forEachClock, useWorld } from '../../../test/support/world.ts';

forEachClock((kind) => {
  describe('slow_close', () => {
    const world = useWorld(kind);

    it('lets data through at once and holds the close for delay ms', async () => {
      const w = world().toxics({ type: 'slow_close', attributes: { delay: 150 } });
      const client = await w.connect();
      w.expectMs(await w.run(client.echo('hi')), 0);
      const t0 = w.now();
      client.server.end(); // the server closes: the client hears of it 150 ms later
      await w.pass(100);
      expect(client.open).toBe(true);
      const closing = await w.run(client.closed());
      expect(closing.how).toBe('fin');
      w.expectMs(closing.at - t0, 150);
    });

    it('holds only the close of its own direction', async () => {
      const w = world().toxics({ type: 'slow_close', stream: 'upstream', attributes: { delay: 10_000 } });
      const client = await w.connect();
      const t0 = w.now();
      client.server.end(); // downstream close: no toxic in the way
      w.expectMs((await w.run(client.closed())).at - t0, 0);
    });
  });
});
