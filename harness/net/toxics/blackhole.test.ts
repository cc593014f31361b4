import { describe, expect, it } from 'vitest';
import { forEachClock, useWorld } from '../../../test/support/world.ts';

forEachClock((kind) => {
  describe('blackhole', () => {
    const world = useWorld(kind);

    it('drops everything in its direction, and the link works again once it is removed', async () => {
      const w = world().toxics({ name: 'hole', type: 'blackhole', stream: 'upstream' });
      const client = await w.connect();
      const echoed: string[] = [];
      client.server.on('data', (data: Buffer) => echoed.push(data.toString()));
      client.send('lost');
      await w.pass(100);
      expect(echoed).toEqual([]);
      w.proxy.toxics.remove('hole');
      await w.run(client.echo('back'));
      expect(echoed).toEqual(['back']);
      expect(client.text).toBe('back');
      expect(client.open).toBe(true);
    });

    it('drops only its own direction', async () => {
      const w = world().toxics({ type: 'blackhole' }); // downstream
      const client = await w.connect();
      const echoed: string[] = [];
      client.server.on('data', (data: Buffer) => echoed.push(data.toString()));
      client.send('ping');
      await w.pass(100);
      expect(echoed).toEqual(['ping']); // reached the server, the answer vanished
      expect(client.text).toBe('');
    });
  });
});
