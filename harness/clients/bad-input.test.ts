import net from 'node:net';
import { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { World } from '../scenario/world.ts';
import { createTcpClient } from './tcp-client.ts';
import { createWsClient } from './ws-client.ts';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A raw server that answers every connection with `reply` (garbage, or a frame too big to accept). */
async function misbehavingServer(w: World, reply: Buffer) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.write(reply);
  });
  await w.act(new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r())));
  const close = () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r())));
  return { port: (server.address() as net.AddressInfo).port, close };
}

const trace = (w: World, type: string) => w.trace.of('client:c').filter((e) => e.type === type);

describe('reference clients facing bad input', () => {
  it('keeps retrying a closed port with clear reasons, and leaves no socket or timer after close()', async () => {
    world = new World();
    const free = net.createServer();
    await world.act(new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r())));
    const port = (free.address() as net.AddressInfo).port;
    await world.act(new Promise<void>((r) => free.close(() => r())));
    const client = world.addClient(createTcpClient(world.clientContext('c'), `127.0.0.1:${port}`, { backoff: { base: '1s', cap: '4s' } }));
    client.connect();
    await world.idle(20_000);
    expect(trace(world, 'link.dead').every((e) => e.reason === 'ECONNREFUSED')).toBe(true);
    expect(trace(world, 'reconnect.scheduled').map((e) => e.delayMs)).toEqual([0, 1000, 2000, 4000, 4000, 4000, 4000, 4000]);
    await world.act(client.close());
    expect(client.state).toBe('closed');
    expect(world.virtual!.pendingTimers()).toBe(0);
    expect(world.virtual!.io.openSockets()).toHaveLength(0);
  });

  it.each([
    ['garbage bytes', Buffer.from([0xff, 0x00, 0x13]), /protocol error: unknown frame kind 0xff/],
    ['an oversized frame', Buffer.from([0x03, 0x7f, 0xff, 0xff, 0xff]), /protocol error: frame of 2147483647 bytes exceeds the 1048576-byte limit/],
  ])('TCP: drops a server that sends %s, says why, and reconnects', async (_what, reply, reason) => {
    world = new World();
    const server = await misbehavingServer(world, reply);
    const client = world.addClient(createTcpClient(world.clientContext('c'), `127.0.0.1:${server.port}`));
    client.connect();
    await world.idle(3_000);
    expect(trace(world, 'link.dead')[0]?.reason).toMatch(reason);
    expect(trace(world, 'reconnect.scheduled').length).toBeGreaterThanOrEqual(1);
    await world.act(client.close());
    await world.act(server.close());
  });

  it('WebSocket: drops a server that sends text that is not a message, says why, and reconnects', async () => {
    world = new World();
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws) => ws.send('<html>not json</html>'));
    await world.act(new Promise<void>((r) => wss.on('listening', () => r())));
    const port = (wss.address() as net.AddressInfo).port;
    const client = world.addClient(createWsClient(world.clientContext('c'), `ws://127.0.0.1:${port}`));
    client.connect();
    await world.idle(3_000);
    expect(trace(world, 'link.dead')[0]?.reason).toMatch(/protocol error: not JSON: "<html>not json<\/html>"/);
    await world.act(client.close());
    for (const ws of wss.clients) ws.terminate();
    await world.act(new Promise<void>((r) => wss.close(() => r())));
  });

  it('rejects a target that is not an address, naming the client', () => {
    world = new World();
    expect(() => createTcpClient(world!.clientContext('c'), 'localhost')).toThrow(/client "c": target must be "host:port"/);
    expect(() => createWsClient(world!.clientContext('c'), 'http://x')).toThrow(/client "c": "http:\/\/x" is not a WebSocket URL/);
  });
});
