import type net from 'node:net';
import type { Proxy } from 'toxiproxy-node-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect, rawRequest, roundTrip, startApiFixture, watch, type ApiFixture } from './test-fixture.ts';

let fx: ApiFixture;
let proxy: Proxy;
let socket: net.Socket | undefined;

beforeEach(async () => {
  fx = await startApiFixture();
  proxy = await fx.toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: fx.upstream });
});
afterEach(async () => {
  socket?.destroy();
  socket = undefined;
  await fx.close();
});

const connectThroughProxy = async () => (socket = await connect(Number(proxy.listen.split(':')[1])));
/** Timers have millisecond granularity and libuv's cached loop time can fire them up to ~1 ms early. */
const TIMER_SLACK_MS = 2;

describe('Toxiproxy API: toxics, through toxiproxy-node-client, on real sockets and the real clock', () => {
  it('a latency toxic delays the echo by its latency', async () => {
    const s = await connectThroughProxy();
    const toxic = await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 150, jitter: 0 } });
    expect(toxic.toJson()).toEqual({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 150, jitter: 0 } });

    const ms = await roundTrip(s);
    expect(ms).toBeGreaterThanOrEqual(150 - TIMER_SLACK_MS);
    expect(ms).toBeLessThan(1000);
  });

  it('a nat_idle toxic lets an idle connection go silent: no data, no close', async () => {
    const s = await connectThroughProxy();
    // `as never`: the client's toxic type union knows only Toxiproxy's own toxics.
    await proxy.addToxic({ name: 'nat', type: 'nat_idle' as never, stream: 'downstream', toxicity: 1, attributes: { timeout: 200 } });
    await roundTrip(s); // traffic refreshes the mapping

    await watch(s, 300); // idle past the NAT timeout
    s.write('anyone there?');
    expect(await watch(s, 200)).toEqual({ data: '', closed: false });
  });

  it('shows, lists, updates and removes toxics', async () => {
    const added = await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'upstream', toxicity: 0.5, attributes: { latency: 10, jitter: 0 } });
    // The client's types require every field; Toxiproxy defaults name (<type>_<stream>) and stream (downstream).
    await proxy.addToxic({ type: 'bandwidth', attributes: { rate: 100 } } as never);

    expect((await proxy.getToxic('lag')).toJson()).toEqual(added.toJson());
    const list = await rawRequest(fx.api.url, 'GET', '/proxies/echo/toxics');
    expect(list).toEqual({
      status: 200,
      body: [
        { name: 'lag', type: 'latency', stream: 'upstream', toxicity: 0.5, attributes: { latency: 10, jitter: 0 } },
        { name: 'bandwidth_downstream', type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 100 } },
      ],
    });

    // Attributes left out keep their values, as in Toxiproxy (the client's types want them all).
    const updated = await added.update({ ...added.toJson(), attributes: { latency: 20 } as never });
    expect(updated.toJson()).toMatchObject({ toxicity: 0.5, attributes: { latency: 20, jitter: 0 } });

    await updated.remove();
    await expect(proxy.getToxic('lag')).rejects.toThrow('Request failed with status code 404');
    const proxies = await rawRequest(fx.api.url, 'GET', '/proxies');
    expect(proxies.body).toMatchObject({ echo: { toxics: [{ name: 'bandwidth_downstream' }] } });
  });

  it('removing the latency toxic from a live connection takes the delay away at once', async () => {
    const s = await connectThroughProxy();
    const toxic = await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5000, jitter: 0 } });
    await toxic.remove();
    expect(await roundTrip(s)).toBeLessThan(500);
  });
});
