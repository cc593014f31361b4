import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFlood, stuffWithoutReading } from '../../../test/support/flood.ts';
import { closed, connect, rawRequest, startApiFixture, type ApiFixture } from './test-fixture.ts';

/**
 * A connection stalled both ways: its client never reads and keeps writing, its server never
 * reads and keeps writing. Nothing the API does may wait for it. One second is generous (these
 * calls take milliseconds); before the fix they never answered.
 */
const ANSWER_MS = 1000;

let fx: ApiFixture;
let flood: Awaited<ReturnType<typeof startFlood>>;
const sockets: net.Socket[] = [];

beforeEach(async () => {
  fx = await startApiFixture();
  flood = await startFlood();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await fx.close();
  await flood.close();
});

/** A proxy in front of the flood server with one stalled connection through it. */
async function stalledProxy(name: string): Promise<net.Socket> {
  const created = await rawRequest(fx.api.url, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${flood.port}` });
  const port = Number((created.body as { listen: string }).listen.split(':')[1]);
  const client = await connect(port);
  sockets.push(client);
  void stuffWithoutReading(client, 64 * 1024 * 1024);
  const proxy = fx.network.get(name);
  // stalled: the proxy holds bytes both ways and has stopped reading
  await until(() => proxy.connections === 1 && proxy.openLinks()[0]!.buffered('upstream') > 0 && proxy.openLinks()[0]!.buffered('downstream') > 0);
  return client;
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the connection never stalled');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function timed<T>(work: Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work;
  return { ms: performance.now() - start, value };
}

describe('the API with a stalled connection', () => {
  it('deletes its proxy, lists proxies and answers /version meanwhile, each within a second', async () => {
    const client = await stalledProxy('stalled');
    const [deleted, listed, version] = await Promise.all([
      timed(rawRequest(fx.api.url, 'DELETE', '/proxies/stalled')),
      timed(rawRequest(fx.api.url, 'GET', '/proxies')),
      timed(rawRequest(fx.api.url, 'GET', '/version')),
    ]);
    expect(deleted.value.status).toBe(204);
    expect(listed.value.status).toBe(200);
    expect(version.value.status).toBe(200);
    for (const { ms } of [deleted, listed, version]) expect(ms).toBeLessThan(ANSWER_MS);
    expect((await timed(rawRequest(fx.api.url, 'GET', '/proxies'))).value.body).toEqual({});
    // the stalled connection itself is destroyed once the close deadline passes
    expect((await timed(closed(client))).ms).toBeLessThan(ANSWER_MS * 5);
  });

  it('changes another proxy while one is stalled', async () => {
    await stalledProxy('stalled');
    await rawRequest(fx.api.url, 'POST', '/proxies', { name: 'other', listen: '127.0.0.1:0', upstream: `127.0.0.1:${flood.port}` });
    const disabled = await timed(rawRequest(fx.api.url, 'POST', '/proxies/stalled', { enabled: false }));
    const added = await timed(rawRequest(fx.api.url, 'POST', '/proxies/other/toxics', { type: 'latency', attributes: { latency: 1 } }));
    expect([disabled.value.status, added.value.status]).toEqual([200, 200]);
    expect(disabled.ms).toBeLessThan(ANSWER_MS);
    expect(added.ms).toBeLessThan(ANSWER_MS);
  });

  it('shuts down within a second', async () => {
    const clients = [await stalledProxy('one'), await stalledProxy('two')];
    const shutdown = await timed(fx.api.close());
    expect(shutdown.ms).toBeLessThan(ANSWER_MS);
    for (const client of clients) await closed(client);
  });
});
