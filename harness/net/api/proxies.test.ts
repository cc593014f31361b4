import type net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closed, connect, roundTrip, startApiFixture, type ApiFixture } from './test-fixture.ts';
import { FLATLINE_VERSION } from './version.ts';

let fx: ApiFixture;
const sockets: net.Socket[] = [];
const open = async (port: number) => {
  const socket = await connect(port);
  sockets.push(socket);
  return socket;
};
const portOf = (listen: string) => Number(listen.slice(listen.lastIndexOf(':') + 1));

beforeEach(async () => {
  fx = await startApiFixture();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await fx.close();
});

describe('Toxiproxy API: proxies, through toxiproxy-node-client', () => {
  it('reports its version as Toxiproxy does ({"version": ...}; the client hands back the raw text)', async () => {
    expect(JSON.parse(await fx.toxiproxy.getVersion())).toEqual({ version: FLATLINE_VERSION });
  });

  it('creates a proxy on an ephemeral port that forwards to its upstream, and lists and shows it', async () => {
    const proxy = await fx.toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: fx.upstream });
    expect(proxy).toMatchObject({ name: 'echo', upstream: fx.upstream, enabled: true });
    expect(portOf(proxy.listen)).toBeGreaterThan(0);

    const socket = await open(portOf(proxy.listen));
    await roundTrip(socket, 'hello');

    const all = await fx.toxiproxy.getAll();
    expect(Object.keys(all)).toEqual(['echo']);
    expect((await fx.toxiproxy.get('echo')).toJson()).toEqual(proxy.toJson());
  });

  it('enabled=false closes live connections and refuses new ones; enabled=true listens again on the same port', async () => {
    const proxy = await fx.toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: fx.upstream });
    const port = portOf(proxy.listen);
    const socket = await open(port);
    await roundTrip(socket);

    const down = await proxy.update({ ...proxy.toJson(), enabled: false });
    expect(down.enabled).toBe(false);
    await closed(socket);
    await expect(connect(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    const up = await down.update({ ...down.toJson(), enabled: true });
    expect(up.listen).toBe(proxy.listen);
    await roundTrip(await open(port));
  });

  it('removes a proxy: 204, gone from the list, its port closed', async () => {
    const proxy = await fx.toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: fx.upstream });
    await proxy.remove();
    expect(await fx.toxiproxy.getAll()).toEqual({});
    await expect(connect(portOf(proxy.listen))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('populates idempotently: an unchanged proxy keeps its port and connections, a changed one is replaced', async () => {
    const first = await fx.toxiproxy.populate([
      { name: 'a', listen: '127.0.0.1:0', upstream: fx.upstream },
      { name: 'b', listen: '127.0.0.1:0', upstream: fx.upstream, enabled: false },
    ]);
    expect(Object.keys(first).sort()).toEqual(['a', 'b']);
    expect(first.b.enabled).toBe(false);
    const socket = await open(portOf(first.a.listen));

    const second = await fx.toxiproxy.populate([{ name: 'a', listen: first.a.listen, upstream: fx.upstream }]);
    expect(second.a.listen).toBe(first.a.listen);
    await roundTrip(socket);

    const moved = await fx.toxiproxy.populate([{ name: 'a', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' }]);
    expect(moved.a.upstream).toBe('127.0.0.1:1');
    await closed(socket);
  });

  it('reset re-enables every proxy and removes every toxic (204)', async () => {
    const proxy = await fx.toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: fx.upstream });
    await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1000, jitter: 0 } });
    await proxy.update({ ...proxy.toJson(), enabled: false });

    await fx.toxiproxy.reset();

    const after = await fx.toxiproxy.get('echo');
    expect(after.enabled).toBe(true);
    await expect(after.getToxic('lag')).rejects.toThrow('Request failed with status code 404');
    expect(await roundTrip(await open(portOf(after.listen)))).toBeLessThan(500);
  });
});
