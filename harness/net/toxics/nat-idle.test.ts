import { describe, expect, it, vi } from 'vitest';
import { forEachClock, useWorld, type Conn, type World } from '../../../test/support/world.ts';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** Sends `text` every `everyMs` until `forMs` have passed. */
async function keepSending(w: World, client: Conn, text: string, everyMs: number, forMs: number): Promise<void> {
  for (let elapsed = 0; elapsed < forMs; elapsed += everyMs) {
    client.send(text);
    await w.pass(everyMs);
  }
}

/** Time from the connection opening to its mapping expiring, from the trace. */
function expiredAfter(w: World): number {
  const [opened] = w.events('link.opened');
  const [expired] = w.events('nat.expired');
  expect(expired, 'a nat.expired event').toBeDefined();
  return expired!.t - opened!.t;
}

forEachClock((kind) => {
  describe('nat_idle', () => {
    const world = useWorld(kind);

    it('expires an idle mapping after timeout ms; then nothing crosses and neither end is told', async () => {
      const w = world().toxics({ type: 'nat_idle', attributes: { timeout: 150 } });
      const client = await w.connect();
      await w.run(client.echo('hello'));
      await w.pass(300);
      w.expectMs(expiredAfter(w), 150);
      client.send('anyone?');
      client.server.write('news');
      await w.pass(100);
      expect(client.text).toBe('hello');
      expect(client.open).toBe(true);
      expect(client.server.destroyed).toBe(false);
      expect(client.server.readableEnded).toBe(false);
    });

    it('hides closes after expiry too', async () => {
      const w = world().toxics({ type: 'nat_idle', attributes: { timeout: 100 } });
      const client = await w.connect();
      await w.pass(150);
      client.server.end();
      await w.pass(100);
      expect(client.open).toBe(true);
    });

    it('stays alive while traffic flows in a refreshing direction', async () => {
      // On the real clock a stall of this process longer than timeout - interval (a loaded machine's
      // scheduler, a GC pause) fires the toxic's expiry before it reads the beat waiting in the kernel:
      // there the gap is wider than such stalls (seen past 100 ms at load 13), in virtual time it is tight.
      const timeout = kind === 'real' ? 600 : 150;
      const w = world().toxics({ type: 'nat_idle', attributes: { timeout } });
      const client = await w.connect();
      await keepSending(w, client, 'beat', 50, 3 * timeout);
      expect(w.events('nat.expired')).toEqual([]);
      await w.run(client.echo('still here'));
    });

    it('with refresh "upstream", expires however much the server sends', async () => {
      const w = world().toxics({ type: 'nat_idle', attributes: { timeout: 150, refresh: 'upstream' } });
      const client = await w.connect();
      const writtenAt: number[] = [];
      for (let i = 0; i < 8; i++) {
        writtenAt.push(w.now());
        client.server.write('push;');
        await w.pass(50);
      }
      w.expectMs(expiredAfter(w), 150);
      const expiredAt = w.trace.origin + w.events('nat.expired')[0]!.t;
      // Pushes crossed until the mapping expired, and none written after it did. (Counted by what was
      // written when: on a loaded real clock the client may read a push that crossed in time a little late.)
      const arrived = client.text.split('push;').length - 1;
      expect(arrived).toBeGreaterThan(0);
      expect(arrived).toBeLessThanOrEqual(writtenAt.filter((at) => at <= expiredAt).length);
    });

    it('with on_expiry "reset", resets the client when it next sends; the server is not told', async () => {
      const w = world().toxics({ type: 'nat_idle', attributes: { timeout: 100, on_expiry: 'reset' } });
      const client = await w.connect();
      await w.pass(200);
      expect(client.open).toBe(true); // expiry itself is silent
      const sentAt = w.now();
      client.send('hello?');
      const closing = await w.run(client.closed());
      expect(closing.how).toBe('reset');
      expect(client.errors).toEqual(['ECONNRESET']);
      w.expectMs(closing.at - sentAt, 0);
      await w.pass(50);
      expect(client.server.destroyed).toBe(false);
    });

    it('with on_expiry "reset_both", resets both ends when a packet next crosses', async () => {
      const w = world().toxics({ type: 'nat_idle', attributes: { timeout: 100, on_expiry: 'reset_both' } });
      const client = await w.connect();
      const serverErrors: string[] = [];
      client.server.on('error', (err: NodeJS.ErrnoException) => serverErrors.push(err.code ?? ''));
      await w.pass(200);
      client.send('hello?');
      expect((await w.run(client.closed())).how).toBe('reset');
      await w.until(() => client.server.destroyed, 'the echo socket to close');
      expect(serverErrors).toEqual(['ECONNRESET']);
    });
  });
});

describe('nat_idle over a virtual day', () => {
  const world = useWorld('virtual');

  it('keeps a mapping alive for 24 hours with a write every 4 minutes under a 5-minute timeout, one timer per deadline', async () => {
    const w = world().toxics({ type: 'nat_idle', attributes: { timeout: 5 * MIN } });
    const timers = vi.spyOn(w.clock, 'setTimeout');
    const client = await w.connect();
    await keepSending(w, client, 'beat', 4 * MIN, DAY);
    expect(w.events('nat.expired')).toEqual([]);
    expect(client.text).toBe('beat'.repeat(DAY / (4 * MIN)));
    expect(timers.mock.calls.length).toBeLessThanOrEqual(DAY / (4 * MIN) + 1); // polling each second: 86,400
  });

  it('lets downstream-only traffic keep nothing alive when only upstream refreshes', async () => {
    const w = world().toxics({ type: 'nat_idle', attributes: { timeout: 5 * MIN, refresh: 'upstream' } });
    const client = await w.connect();
    const push = w.clock.setInterval(() => client.server.write('push;'), MIN);
    await w.pass(10 * MIN);
    w.clock.clearInterval(push);
    expect(expiredAfter(w)).toBe(5 * MIN);
    expect(client.text).toBe('push;'.repeat(4)); // minutes 1 to 4; the push at 5:00 finds the mapping gone
  });

  it('keeps the mapping across an update: a new timeout counts from the last traffic, and expiry sticks', async () => {
    const w = world().toxics({ name: 'nat', type: 'nat_idle', attributes: { timeout: 5 * MIN } });
    const client = await w.connect();
    await w.pass(3 * MIN);
    w.proxy.toxics.update('nat', { attributes: { timeout: 4 * MIN } });
    await w.pass(2 * MIN);
    expect(expiredAfter(w)).toBe(4 * MIN);
    w.proxy.toxics.update('nat', { attributes: { timeout: 60 * MIN } });
    client.send('hello?');
    await w.pass(MIN);
    expect(client.text).toBe('');
  });

  it('idles for 24 hours on a single timer', async () => {
    const w = world().toxics({ type: 'nat_idle', attributes: { timeout: 5 * MIN } });
    const timers = vi.spyOn(w.clock, 'setTimeout');
    const client = await w.connect();
    await w.pass(DAY);
    expect(expiredAfter(w)).toBe(5 * MIN);
    expect(timers).toHaveBeenCalledTimes(1);
    expect(w.virtual!.pendingTimers()).toBe(0);
    expect(client.open).toBe(true);
  });
});
