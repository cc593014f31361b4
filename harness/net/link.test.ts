import { describe, expect, it } from 'vitest';
import { forEachClock, useWorld, withWorld, type World } from '../../test/support/world.ts';

/** Opens `n` connections, sends a byte on each, and tells which ones an upstream blackhole swallowed. */
/**
 * Which of n connections swallowed their byte. On the real clock the wait is long: 200 echoes on a
 * busy CI machine can take far more than 100 ms, and a late echo must not count as swallowed.
 */
async function swallowed(w: World, n: number, waitMs: number): Promise<boolean[]> {
  const clients = await w.connectMany(n);
  for (const client of clients) client.send('x');
  await w.pass(waitMs);
  return clients.map((client) => client.text === '');
}

forEachClock((kind) => {
  const echoWaitMs = kind === 'real' ? 2_000 : 100;
  describe('toxics on live connections', () => {
    const world = useWorld(kind);

    it('act on a live connection as soon as they are added', async () => {
      const w = world();
      const client = await w.connect();
      w.expectMs(await w.run(client.echo('before')), 0);
      w.proxy.toxics.add({ type: 'latency', attributes: { latency: 100 } });
      w.expectMs(await w.run(client.echo('after')), 100);
    });

    it('stop acting on it as soon as they are removed', async () => {
      const w = world().toxics({ name: 'lag', type: 'latency', attributes: { latency: 100 } });
      const client = await w.connect();
      w.expectMs(await w.run(client.echo('slow')), 100);
      w.proxy.toxics.remove('lag');
      w.expectMs(await w.run(client.echo('fast')), 0);
    });

    it('on update, hand on what they hold and act with the new attributes', async () => {
      const w = world().toxics({ name: 'lag', type: 'latency', attributes: { latency: 10_000 } });
      const client = await w.connect();
      client.send('held,');
      await w.pass(50);
      const updatedAt = w.now();
      w.proxy.toxics.update('lag', { attributes: { latency: 60 } });
      w.expectMs((await w.run(client.receive('held,'))) - updatedAt, 0);
      w.expectMs(await w.run(client.echo('new')), 60);
    });

    it('act in the order they were added', async () => {
      const w = world().toxics(
        { type: 'limit_data', stream: 'upstream', attributes: { bytes: 2 } },
        { type: 'blackhole', stream: 'upstream' },
      );
      const first = await w.connect();
      first.send('hello');
      expect((await w.run(first.closed())).how).toBe('fin'); // limit_data saw the bytes

      w.proxy.toxics.clear();
      w.toxics({ type: 'blackhole', stream: 'upstream' }, { type: 'limit_data', stream: 'upstream', attributes: { bytes: 2 } });
      const second = await w.connect();
      second.send('hello');
      await w.pass(100);
      expect(second.open).toBe(true); // the blackhole ate them first
    });

    it('pass a reset of one end on as a normal close of the other, as Toxiproxy does', async () => {
      const w = world();
      const client = await w.connect();
      (client.server as import('node:net').Socket).resetAndDestroy();
      const closing = await w.run(client.closed());
      expect(closing.how).toBe('fin');
      expect(client.errors).toEqual([]);
      await w.until(() => w.proxy.connections === 0, 'the link to close');
      expect(w.events('link.closed')).toMatchObject([{ how: 'reset' }]);
    });

    it('close at once with a FIN to both ends when one end closes and nothing is queued', async () => {
      const w = world();
      const client = await w.connect();
      await w.run(client.echo('hi'));
      const server = client.server as import('node:net').Socket;
      const serverSaw: string[] = [];
      server.on('end', () => serverSaw.push('fin'));
      server.on('error', (err: NodeJS.ErrnoException) => serverSaw.push(err.code ?? err.message));
      const closedAt = w.now();
      client.end.end();
      await w.until(() => w.proxy.connections === 0 && server.destroyed, 'the link and the server end to close');
      w.expectMs(w.now() - closedAt, 0);
      expect(serverSaw).toEqual(['fin']);
      expect(client.errors).toEqual([]);
      expect(w.events('link.closed')).toMatchObject([{ how: 'fin' }]);
    });

    it('pass a close a toxic makes through the toxics after it', async () => {
      const w = world().toxics(
        { name: 'cut', type: 'timeout', attributes: { timeout: 0 } },
        { type: 'slow_close', attributes: { delay: 120 } },
      );
      const client = await w.connect();
      const removedAt = w.now();
      w.proxy.toxics.remove('cut'); // removing a timeout closes the connection...
      w.expectMs((await w.run(client.closed())).at - removedAt, 120); // ...through the slow_close after it
    });
  });

  describe('toxicity', () => {
    const world = useWorld(kind);

    it('0 never applies and 1 always does', async () => {
      const w = world().toxics({ name: 'hole', type: 'blackhole', stream: 'upstream', toxicity: 0 });
      expect(await swallowed(w, 20, echoWaitMs)).toEqual(Array(20).fill(false));
      w.proxy.toxics.update('hole', { toxicity: 1 });
      expect(await swallowed(w, 20, echoWaitMs)).toEqual(Array(20).fill(true));
    });

    it('0.5 applies to about half of the connections', async () => {
      const w = world().toxics({ type: 'blackhole', stream: 'upstream', toxicity: 0.5 });
      const hits = (await swallowed(w, 200, echoWaitMs)).filter(Boolean).length;
      expect(hits).toBeGreaterThan(70);
      expect(hits).toBeLessThan(130);
    });
  });

  describe('simulator mode (in-memory ends)', () => {
    const world = useWorld({ clock: kind, upstream: 'memory' });

    it('moves bytes and toxics exactly as over sockets', async () => {
      const w = world().toxics({ type: 'latency', attributes: { latency: 80 } });
      const client = await w.attach();
      w.expectMs(await w.run(client.echo('hi')), 80);
      expect(client.text).toBe('hi');
    });

    it('traces the link opening and closing, with how it closed', async () => {
      const w = world().toxics({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 50 } });
      const calm = await w.attach();
      calm.end.end();
      const reset = await w.attach();
      reset.send('bye');
      expect((await w.run(reset.closed())).how).toBe('reset');
      await w.until(() => w.proxy.connections === 0, 'both links to close');
      expect(w.events('link.opened')).toHaveLength(2);
      expect(w.events('link.closed').map((e) => e.how).sort()).toEqual(['fin', 'reset']);
    });
  });
});

describe('toxicity rolls', () => {
  it('give the same connections the toxic for the same seed, other ones for another seed', async () => {
    const pattern = (seed: number) =>
      withWorld({ seed }, (w) => {
        w.toxics({ type: 'blackhole', stream: 'upstream', toxicity: 0.5 });
        return swallowed(w, 40, 100);
      });
    const a = await pattern(11);
    expect(await pattern(11)).toEqual(a);
    expect(await pattern(12)).not.toEqual(a);
  });
});

describe('simulator mode on the virtual clock', () => {
  const world = useWorld({ upstream: 'memory' });

  it('runs a thousand idle in-memory connections into their NAT timeout at the same virtual moment', async () => {
    const w = world().toxics({ type: 'nat_idle', attributes: { timeout: 5 * 60_000 } });
    const clients = [];
    for (let i = 0; i < 1000; i++) clients.push(await w.attach());
    await w.pass(10 * 60_000);
    const expiries = w.events('nat.expired');
    expect(expiries).toHaveLength(1000);
    expect(new Set(expiries.map((e) => e.t))).toEqual(new Set([5 * 60_000]));
    expect(clients.every((c) => c.open)).toBe(true);
  });
});
