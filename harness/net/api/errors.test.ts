import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, rawRequest, rawText, roundTrip, startApiFixture, type ApiFixture } from './test-fixture.ts';

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
  /** Toxiproxy's text, exactly (api.go's Err* texts; Go's encoding/json and net texts). */
  error: string;
  /** flatline's own explanation, in the extra field Toxiproxy's clients ignore. */
  detail?: RegExp;
}

const bad = 'bad request body: ';
const unmarshal = `${bad}json: cannot unmarshal`;
const cases: BadCase[] = [
  { what: 'a truncated body', method: 'POST', path: '/proxies', body: '{"name": "x",', status: 400, error: `${bad}unexpected EOF`, detail: /not valid JSON/ },
  { what: 'an empty body', method: 'POST', path: '/proxies/echo/toxics', body: '', status: 400, error: `${bad}EOF`, detail: /the body is empty/ },
  { what: 'malformed JSON', method: 'POST', path: '/proxies', body: '{x}', status: 400, error: `${bad}invalid character 'x' looking for beginning of object key string` },
  { what: 'a proxy body that is not an object', method: 'POST', path: '/proxies', body: [], status: 400, error: `${unmarshal} array into Go value of type toxiproxy.Proxy` },
  { what: 'a proxy field of the wrong type', method: 'POST', path: '/proxies', body: { name: 5 }, status: 400, error: `${unmarshal} number into Go struct field Proxy.name of type string` },
  { what: 'toxic attributes that are not an object', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'latency', attributes: 5 }, status: 400, error: `${unmarshal} number into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic` },
  { what: 'a toxicity that is not a number', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'latency', toxicity: 'x' }, status: 400, error: `${unmarshal} string into Go struct field ToxicWrapper.toxicity of type float32` },
  { what: 'a fractional latency', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'latency', attributes: { latency: 1.5 } }, status: 400, error: `${unmarshal} number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64` },
  { what: 'an integer written with an exponent', method: 'POST', path: '/proxies/echo/toxics', body: '{"type": "timeout", "attributes": {"timeout": 1e3}}', status: 400, error: `${unmarshal} number 1e3 into Go struct field TimeoutToxic.attributes.timeout of type int64` },
  { what: 'a fractional slice size', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'slicer', attributes: { average_size: 1.5 } }, status: 400, error: `${unmarshal} number 1.5 into Go struct field SlicerToxic.attributes.average_size of type int` },
  { what: 'a fractional jitter in an update', method: 'PATCH', path: '/proxies/echo/toxics/lag', body: { attributes: { jitter: 2.5 } }, status: 400, error: `${unmarshal} number 2.5 into Go struct field LatencyToxic.attributes.jitter of type int64` },
  { what: 'a proxy without name', method: 'POST', path: '/proxies', body: { upstream: '127.0.0.1:1' }, status: 400, error: 'missing required field: name' },
  { what: 'a proxy without upstream', method: 'POST', path: '/proxies', body: { name: 'x' }, status: 400, error: 'missing required field: upstream' },
  { what: 'a hex port', method: 'POST', path: '/proxies', body: { name: 'x', listen: '127.0.0.1:0x50', upstream: '127.0.0.1:1' }, status: 500, error: 'listen tcp: address tcp/0x50: unknown port', detail: /listen must be "host:port"/ },
  { what: 'a listen address without port', method: 'POST', path: '/proxies', body: { name: 'x', listen: 'nowhere', upstream: '127.0.0.1:1' }, status: 500, error: 'listen tcp: address nowhere: missing port in address' },
  { what: 'a port past 65535', method: 'POST', path: '/proxies', body: { name: 'x', listen: '127.0.0.1:99999', upstream: '127.0.0.1:1' }, status: 500, error: 'listen tcp: address 99999: invalid port' },
  { what: 'a hex port in an update', method: 'PATCH', path: '/proxies/echo', body: { listen: '127.0.0.1:0x50' }, status: 500, error: 'address tcp/0x50: unknown port' },
  { what: 'an unknown toxic type', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'gremlins' }, status: 400, error: 'invalid toxic type', detail: /^invalid toxic type: "gremlins" \(known types: latency, / },
  { what: 'an invalid stream', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'latency', stream: 'sideways' }, status: 400, error: 'stream was invalid, can be either upstream or downstream', detail: /got "sideways"/ },
  { what: 'a duplicate proxy', method: 'POST', path: '/proxies', body: { name: 'echo', upstream: '127.0.0.1:1' }, status: 409, error: 'proxy already exists', detail: /"echo"/ },
  { what: 'a duplicate toxic', method: 'POST', path: '/proxies/echo/toxics', body: { name: 'lag', type: 'latency' }, status: 409, error: 'toxic already exists', detail: /"lag"/ },
  { what: 'a missing proxy', method: 'GET', path: '/proxies/nope', status: 404, error: 'proxy not found', detail: /^proxy not found: "nope"$/ },
  { what: 'a missing proxy before a bad body', method: 'PATCH', path: '/proxies/nope', body: '{', status: 404, error: 'proxy not found' },
  { what: 'toxics of a missing proxy', method: 'POST', path: '/proxies/nope/toxics', body: { type: 'latency' }, status: 404, error: 'proxy not found' },
  { what: 'a missing toxic', method: 'GET', path: '/proxies/echo/toxics/nope', status: 404, error: 'toxic not found', detail: /"nope" on proxy "echo"/ },
  { what: 'deleting a missing toxic', method: 'DELETE', path: '/proxies/echo/toxics/nope', status: 404, error: 'toxic not found' },
  // flatline's own checks, where Toxiproxy would take the value (and misbehave): flatline's texts.
  { what: 'a duration past the longest timer', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'latency', attributes: { latency: 2 ** 31 } }, status: 400, error: 'toxic "latency_downstream" (latency): attribute "latency" must be at most 2147483647 ms, the longest a timer can wait (got 2147483648)' },
  { what: 'a negative attribute', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'latency', attributes: { latency: -5 } }, status: 400, error: 'toxic "latency_downstream" (latency): attribute "latency" must be at least 0 ms (got -5)' },
  { what: 'a missing required attribute', method: 'POST', path: '/proxies/echo/toxics', body: { type: 'nat_idle' }, status: 400, error: 'toxic "nat_idle_downstream" (nat_idle): attribute "timeout" is required' },
];

describe('Toxiproxy API: bad requests answer Toxiproxy\'s texts and harm nothing else', () => {
  it.each(cases)('$what -> $status', async ({ method, path, body, status, error, detail }) => {
    const reply = await rawText(fx.api.url, method, path, body);
    // Go's http.Error, which Toxiproxy's apiError calls: plain text, nosniff, the JSON and a newline.
    expect(reply).toMatchObject({ status, type: 'text/plain; charset=utf-8', nosniff: true });
    expect(reply.text.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(reply.text) as { error: string; status: number; detail?: string };
    expect(parsed).toMatchObject({ error, status });
    expect(reply.text.startsWith(JSON.stringify({ error, status }).slice(0, -1))).toBe(true); // Toxiproxy's fields first, in its order
    if (detail) expect(parsed.detail).toMatch(detail);
  });

  it('answers what net/http and gorilla/mux answer for an unknown route, a wrong method and a browser', async () => {
    expect(await rawText(fx.api.url, 'GET', '/toxics')).toEqual({ status: 404, type: 'text/plain; charset=utf-8', nosniff: true, text: '404 page not found\n' });
    expect(await rawText(fx.api.url, 'DELETE', '/proxies')).toMatchObject({ status: 405, text: '' });
    const browser = { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' };
    expect(await rawText(fx.api.url, 'GET', '/proxies', undefined, browser)).toEqual({ status: 403, type: 'text/plain; charset=utf-8', nosniff: true, text: 'User agent not allowed\n' });
  });

  it('populate checks every entry first, then lists the proxies done before a failure', async () => {
    const missing = await rawText(fx.api.url, 'POST', '/populate', [{ name: 'echo', upstream: fx.upstream }, { name: 'y' }]);
    expect(missing).toMatchObject({ status: 400, type: 'application/json' });
    expect(JSON.parse(missing.text)).toMatchObject({ error: 'missing required field: upstream at proxy 2', status: 400, proxies: null });
    const conflict = await rawRequest(fx.api.url, 'POST', '/populate', [
      { name: 'echo', listen: '127.0.0.1:0', upstream: fx.upstream },
      { name: 'clash', listen: `127.0.0.1:${fx.api.port}`, upstream: fx.upstream },
    ]);
    expect(conflict).toMatchObject({ status: 500, body: { error: `listen tcp 127.0.0.1:${fx.api.port}: bind: address already in use`, proxies: [{ name: 'echo' }] } });
    expect(await rawRequest(fx.api.url, 'POST', '/populate', '[{')).toMatchObject({ status: 400, body: { error: `${bad}unexpected EOF`, proxies: null } });
    expect(await rawRequest(fx.api.url, 'POST', '/populate', { name: 'x' })).toMatchObject({
      status: 400,
      body: { error: `${unmarshal} object into Go value of type []struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }`, proxies: null },
    });
  });

  it('a listen address in use answers 500 with Go\'s text, flatline\'s hint in detail', async () => {
    const reply = await rawRequest(fx.api.url, 'POST', '/proxies', { name: 'clash', listen: `127.0.0.1:${fx.api.port}`, upstream: fx.upstream });
    expect(reply).toEqual({
      status: 500,
      body: { error: `listen tcp 127.0.0.1:${fx.api.port}: bind: address already in use`, status: 500, detail: expect.stringMatching(/cannot listen on 127\.0\.0\.1:\d+: address already in use; pick another port/) },
    });
    expect(await fx.toxiproxy.getAll()).not.toHaveProperty('clash');
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
