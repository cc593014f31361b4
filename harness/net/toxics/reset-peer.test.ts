import { describe, expect, it } from 'vitest';
import { forEachClock, useWorld } from '../../../test/support/world.ts';

forEachClock((kind) => {
  describe('reset_peer', () => {
    const world = useWorld(kind);

    it('never resets an idle connection', async () => {
      const w = world().toxics({ type: 'reset_peer', attributes: { timeout: 50 } });
      const client = await w.connect();
      await w.pass(w.virtual ? 3600_000 : 200);
      expect(client.open).toBe(true);
    });

    it('resets both ends (RST) timeout ms after the first data, when it existed before the connection', async () => {
      const w = world().toxics({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 100 } });
      const client = await w.connect();
      const sentAt = w.now();
      client.send('hi');
      const closing = await w.run(client.closed());
      expect(closing.how).toBe('reset');
      expect(client.errors).toEqual(['ECONNRESET']);
      w.expectMs(closing.at - sentAt, 100);
      expect(client.text).toBe(''); // the chunk that set it off never arrived
      await w.until(() => w.proxy.connections === 0, 'the link to close');
      expect(w.events('link.closed')).toMatchObject([{ how: 'reset' }]);
    });

    it('still resets after an update on a connection it was there for from the start', async () => {
      const w = world().toxics({ name: 'rst', type: 'reset_peer', stream: 'upstream', attributes: { timeout: 500 } });
      const client = await w.connect();
      w.proxy.toxics.update('rst', { attributes: { timeout: 50 } });
      client.send('hi');
      expect((await w.run(client.closed())).how).toBe('reset');
    });

    it('closes with a FIN, not an RST, on a connection it joined live', async () => {
      const w = world();
      const client = await w.connect();
      w.proxy.toxics.add({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 100 } });
      const sentAt = w.now();
      client.send('hi');
      const closing = await w.run(client.closed());
      expect(closing.how).toBe('fin');
      expect(client.errors).toEqual([]);
      w.expectMs(closing.at - sentAt, 100);
    });
  });
});
