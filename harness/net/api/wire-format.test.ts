import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rawText, startApiFixture, type ApiFixture } from './test-fixture.ts';
import { FLATLINE_VERSION } from './version.ts';

let fx: ApiFixture;
beforeEach(async () => {
  fx = await startApiFixture();
});
afterEach(async () => {
  await fx.close();
});

/** The bytes Toxiproxy writes (api.go, Go's json.Marshal), not just the same JSON. */
describe('Toxiproxy API: the bytes on the wire', () => {
  it('writes /version as Toxiproxy\'s hand-made body, with its newline and charset', async () => {
    expect(await rawText(fx.api.url, 'GET', '/version')).toMatchObject({ status: 200, type: 'application/json;charset=utf-8', text: `{"version": "${FLATLINE_VERSION}"}\n` });
  });

  it('writes proxies and toxics with Go\'s field order and HTML-safe escapes, upstream toxics listed first', async () => {
    const proxy = await rawText(fx.api.url, 'POST', '/proxies', { name: 'a<b>&c', listen: 'localhost:0', upstream: fx.upstream });
    expect(proxy.status).toBe(201);
    expect(proxy.type).toBe('application/json');
    const listen = (JSON.parse(proxy.text) as { listen: string }).listen;
    expect(listen).toMatch(/^127\.0\.0\.1:\d+$/); // the address listened on, as Go's listener.Addr() shows it
    expect(proxy.text).toBe(`{"name":"a\\u003cb\\u003e\\u0026c","listen":"${listen}","upstream":"${fx.upstream}","enabled":true,"toxics":[]}`);

    const path = `/proxies/${encodeURIComponent('a<b>&c')}/toxics`;
    const down = await rawText(fx.api.url, 'POST', path, { type: 'latency', attributes: { latency: 5 } });
    expect(down.text).toBe('{"attributes":{"latency":5,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}');
    await rawText(fx.api.url, 'POST', path, { type: 'slow_close', stream: 'UPSTREAM', attributes: { delay: 1 } }); // any case, as stream.ParseDirection
    const list = await rawText(fx.api.url, 'GET', path);
    expect((JSON.parse(list.text) as { name: string }[]).map((t) => t.name)).toEqual(['slow_close_upstream', 'latency_downstream']);
  });

  it('answers an empty populate with proxies null, as Go marshals an empty list it never appended to', async () => {
    expect(await rawText(fx.api.url, 'POST', '/populate', [])).toMatchObject({ status: 201, type: 'application/json', text: '{"proxies":null}' });
  });

  it('lists proxies by name, as Go marshals a map', async () => {
    for (const name of ['b', 'c', 'a']) await rawText(fx.api.url, 'POST', '/proxies', { name, upstream: fx.upstream });
    expect(Object.keys(JSON.parse((await rawText(fx.api.url, 'GET', '/proxies')).text) as object)).toEqual(['a', 'b', 'c']);
  });
});
