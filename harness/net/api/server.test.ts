import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { isFlatlineError } from '../../util/errors.ts';
import { startApiServer } from './server.ts';
import { connect, startApiFixture } from './test-fixture.ts';

describe('startApiServer', () => {
  it('fails with a clear FlatlineError when the API port is in use', async () => {
    const fx = await startApiFixture();
    try {
      const err = await startApiServer({ network: fx.network, port: fx.api.port }).catch((e: unknown) => e);
      expect(isFlatlineError(err, 'FLATLINE_ERR_LISTEN')).toBe(true);
      expect((err as Error).message).toBe(
        `the Toxiproxy API cannot listen on 127.0.0.1:${fx.api.port}: address already in use (another flatline toxiproxy or a Toxiproxy?); stop it or pick another port (0 picks a free one)`,
      );
    } finally {
      await fx.close();
    }
  });

  it('handles one request at a time: two concurrent creates of one name give one 201 and one 409', async () => {
    const fx = await startApiFixture();
    try {
      // "localhost" makes listening wait for a DNS lookup: a wide window for the second create to slip in.
      const body = JSON.stringify({ name: 'twin', listen: 'localhost:0', upstream: fx.upstream });
      const request = `POST /proxies HTTP/1.1\r\nHost: api\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
      // Both requests reach the server in the same instant, so their handlers would overlap without the queue.
      const sockets = await Promise.all([connect(fx.api.port), connect(fx.api.port)]);
      const statuses = await Promise.all(sockets.map((s) => sendRaw(s, request)));
      expect(statuses.sort()).toEqual([201, 409]);
    } finally {
      await fx.close();
    }
  });

  it('close() returns promptly despite keep-alive clients and closes every proxy', async () => {
    const fx = await startApiFixture();
    const proxy = await fx.toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: fx.upstream });
    await fx.toxiproxy.getAll(); // fetch keeps this connection alive in its pool

    const started = performance.now();
    await fx.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(fetch(`${fx.api.url}/version`)).rejects.toThrow();
    await expect(connect(Number(proxy.listen.split(':')[1]))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await fx.api.close(); // a second close is harmless
  });
});

/** Writes a raw HTTP request and resolves with the response's status code once the server closes. */
function sendRaw(socket: net.Socket, request: string): Promise<number> {
  return new Promise((resolve) => {
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString()));
    socket.once('close', () => resolve(Number(response.split(' ')[1])));
    socket.write(request);
  });
}
