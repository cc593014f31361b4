import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, rawRequest, roundTrip, startApiFixture, type ApiFixture } from './test-fixture.ts';

let fx: ApiFixture;
let live: net.Socket;

// One API for every case: each bad request must leave the proxy "echo" and its live connection alone.
beforeAll(async () => {
  fx = await startApiFixture();
  const proxy = await fx.toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: fx.upstream });
  await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } });
  live = await connect(Number(proxy.listen.split(':')[1]));
});
afterAll(async () => {
  live.destroy();
  await fx.close();
});

interface BadCase {
  what: string;
  method: string;
  path: string;
  body?: string | object;
  status: number;
  error: RegExp;
}

const cases: BadCase[] = [
  { what: 'malformed JSON', method: 'POST', path: '/proxies', body: '{"name": "x",', status: 400, error: /^bad request body: / },
  { what: 'an empty body', method: 'POST', path: '/proxies/echo/toxics', body: '', status: 400, error: /^bad request body: the body is empty/ },
  { what: 'a proxy body that is not an object', method: 'POST', path: '/proxies', body: [], status: 400, error: /^bad request body: expected a JSON object/ },
  { what: 'a toxic field of the wrong JSON type', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'latency', attributes: 5 }, status: 400, error: /^bad request body: field "attributes" must be a JSON object/ },
  { what: 'a proxy without upstream', method: 'POST', path: '/proxies', body: { name: 'x' }, status: 400, error: /missing required field: upstream/ },
  { what: 'a bad listen address', method: 'POST', path: '/proxies', body: { name: 'x', listen: 'nowhere', upstream: '127.0.0.1:1' }, status: 400, error: /listen must be "host:port"/ },
  { what: 'an unknown toxic type', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'gremlins' }, status: 400, error: /^invalid toxic type: "gremlins" \(known types: latency, / },
  { what: 'an invalid stream', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'latency', stream: 'sideways', attributes: { latency: 1 } }, status: 400, error: /^stream was invalid, can be either upstream or downstream/ },
  { what: 'a missing required attribute', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'nat_idle' }, status: 400, error: /attribute "timeout" is required/ },
  { what: 'a negative attribute', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'latency', attributes: { latency: -5 } }, status: 400, error: /attribute "latency" must be at least 0/ },
  { what: 'a negative attribute in an update', method: 'PATCH', path: '/proxies/echo/toxics/lag', body: { attributes: { jitter: -1 } }, status: 400, error: /attribute "jitter" must be at least 0/ },
  { what: 'a duplicate proxy', method: 'POST', path: '/proxies', body: { name: 'echo', upstream: '127.0.0.1:1' }, status: 409, error: /^proxy already exists: "echo"/ },
  { what: 'a duplicate toxic', method: 'POST', path: '/proxies/echo/toxics', body: { name: 'lag', type: 'latency' }, status: 409, error: /^toxic already exists: "lag"/ },
  { what: 'a missing proxy', method: 'GET', path: '/proxies/nope', status: 404, error: /^proxy not found: "nope"/ },
  { what: 'a missing proxy before a bad body', method: 'PATCH', path: '/proxies/nope', body: '{', status: 404, error: /^proxy not found/ },
  { what: 'toxics of a missing proxy', method: 'POST', path: '/proxies/nope/toxics', body: { type: 'latency' }, status: 404, error: /^proxy not found/ },
  { what: 'a missing toxic', method: 'GET', path: '/proxies/echo/toxics/nope', status: 404, error: /^toxic not found: "nope"/ },
  { what: 'deleting a missing toxic', method: 'DELETE', path: '/proxies/echo/toxics/nope', status: 404, error: /^toxic not found/ },
  { what: 'an unknown route', method: 'GET', path: '/toxics', status: 404, error: /^no such endpoint: GET \/toxics/ },
  { what: 'a known route with the wrong method', method: 'DELETE', path: '/proxies', status: 405, error: /^method DELETE not allowed/ },
];

describe('Toxiproxy API: bad requests answer {"error", "status"} and harm nothing else', () => {
  it.each(cases)('$what -> $status', async ({ method, path, body, status, error }) => {
    const reply = await rawRequest(fx.api.url, method, path, body);
    expect(reply).toEqual({ status, body: { error: expect.stringMatching(error), status } });
  });

  it('populate failures also list the requested proxies that exist', async () => {
    const reply = await rawRequest(fx.api.url, 'POST', '/populate', [{ name: 'echo', upstream: fx.upstream }, { name: 'y' }]);
    expect(reply).toEqual({
      status: 400,
      body: { error: 'proxy #2: missing required field: upstream', status: 400, proxies: [expect.objectContaining({ name: 'echo' })] },
    });
    expect(await rawRequest(fx.api.url, 'POST', '/populate', '[{')).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/^bad request body: /), status: 400, proxies: [] },
    });
    expect(await rawRequest(fx.api.url, 'POST', '/populate', { name: 'x' })).toEqual({
      status: 400,
      body: { error: expect.stringMatching(/^populate expects a JSON array/), status: 400, proxies: [] },
    });
  });

  it('a listen address in use answers the error status (500) with the message', async () => {
    const reply = await rawRequest(fx.api.url, 'POST', '/proxies', { name: 'clash', listen: `127.0.0.1:${fx.api.port}`, upstream: fx.upstream });
    expect(reply).toEqual({ status: 500, body: { error: expect.stringMatching(/cannot listen on 127\.0\.0\.1:\d+: address already in use/), status: 500 } });
    expect(await fx.toxiproxy.getAll()).not.toHaveProperty('clash');
  });

  it('refuses browsers with 403, as Toxiproxy does', async () => {
    const reply = await rawRequest(fx.api.url, 'GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' });
    expect(reply).toEqual({ status: 403, body: { error: 'User agent not allowed', status: 403 } });
  });

  it('toxiproxy-node-client surfaces the status codes (it drops the body)', async () => {
    await expect(fx.toxiproxy.get('nope')).rejects.toThrow('Request failed with status code 404');
    await expect(fx.toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: fx.upstream })).rejects.toThrow('Request failed with status code 409');
    const proxy = await fx.toxiproxy.get('echo');
    await expect(proxy.addToxic({ name: 'x', type: 'gremlins' as never, stream: 'downstream', toxicity: 1, attributes: {} })).rejects.toThrow(
      'Request failed with status code 400',
    );
  });

  it('after all that, the proxy, its toxic and its live connection are untouched', async () => {
    const proxies = await rawRequest(fx.api.url, 'GET', '/proxies');
    expect(proxies.body).toEqual({
      echo: expect.objectContaining({ enabled: true, toxics: [expect.objectContaining({ name: 'lag', attributes: { latency: 1, jitter: 0 } })] }),
    });
    await roundTrip(live);
  });
});
