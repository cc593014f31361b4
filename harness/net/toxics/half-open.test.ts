import { describe, expect, it } from 'vitest';
import { forEachClock, useWorld } from '../../../test/support/world.ts';

forEachClock((kind) => {
  describe('half_open', () => {
    const world = useWorld(kind);

    it('hides a server close from the client, whose writes then vanish', async () => {
      const w = world().toxics({ type: 'half_open' });
      const client = await w.connect();
      await w.run(client.echo('before'));
      client.server.end();
      await w.until(() => client.server.destroyed, 'the echo socket to close');
      client.send('anyone there?');
      await w.pass(200);
      expect(client.open).toBe(true);
      expect(client.errors).toEqual([]);
      expect(client.text).toBe('before');
      expect(w.events('half_open.cut')).toMatchObject([{ side: 'server' }]);
    });

    it('hides a client close from the server, whose socket stays open', async () => {
      const w = world().toxics({ type: 'half_open' });
      const client = await w.connect();
      client.end.end();
      await w.until(() => client.end.destroyed, 'the client socket to close');
      await w.pass(200);
      expect(client.server.destroyed).toBe(false);
      expect(client.server.readableEnded).toBe(false); // no FIN reached it
      expect(w.events('half_open.cut')).toMatchObject([{ side: 'client' }]);
    });
  });
});
