import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { unmapped } from './io-tracker.ts';
import { VirtualClock } from './virtual-clock.ts';

let clock: VirtualClock | undefined;
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanup.splice(0)) fn();
  clock?.uninstall();
  clock = undefined;
});

/**
 * A server in this process and one client connected to it; `host` undefined listens on the default
 * (dual-stack) address. Short stall limit: a tracker that mistakes a quiet world for a busy one fails fast.
 */
async function pair(host: string | undefined, onAccept: (s: net.Socket) => void = () => {}) {
  const c = (clock = VirtualClock.install({ stallMs: 3_000 }));
  const accepted: net.Socket[] = [];
  const server = net.createServer((s) => {
    accepted.push(s);
    onAccept(s);
  });
  cleanup.push(() => server.close());
  await c.run(new Promise<void>((r) => (host === undefined ? server.listen(0, () => r()) : server.listen(0, host, () => r()))));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  client.on('error', () => {});
  cleanup.push(() => {
    client.destroy();
    for (const s of accepted) s.destroy();
  });
  await c.run(new Promise<void>((r) => client.once('connect', () => r())));
  await c.settle();
  return { c, client, accepted };
}

describe('IoTracker', () => {
  it('pairs a client on 127.0.0.1 with its peer on a dual-stack listener (::ffff:127.0.0.1)', async () => {
    const { c, client, accepted } = await pair(undefined, (s) => s.on('data', () => s.write('ok')));
    expect(accepted[0]!.localAddress).toBe('::ffff:127.0.0.1'); // the case being tested
    const reply = new Promise<string>((r) => client.once('data', (d) => r(d.toString())));
    client.write('hi');
    expect(await c.run(reply)).toBe('ok');
    await c.settle();
    // paired: neither "not yet accepted" (busy) nor a connection out of the process (external)
    expect(c.io.state()).toEqual({ busy: false, external: false });
  });

  it('counts bytes a peer holds unread (its buffer full) as quiet, not in flight', async () => {
    const { c, client, accepted } = await pair('127.0.0.1', (s) => s.pause());
    client.write(Buffer.alloc(8 * 1024 * 1024)); // more than the kernel's buffers and the peer's stream hold
    await c.advance(60_000);
    const peer = accepted[0]!;
    expect(peer.readableLength).toBeGreaterThanOrEqual(peer.readableHighWaterMark);
    expect(client.writableLength).toBeGreaterThan(0); // still unsent: the reader holds it up
    expect(c.io.state().busy).toBe(false);
    // and it moves again when the application reads
    let read = 0;
    peer.on('data', (d: Buffer) => (read += d.length));
    peer.resume();
    await c.run(new Promise<void>((r) => (client.writableLength === 0 && read === 8 * 1024 * 1024 ? r() : client.once('drain', () => r()))));
    await c.settle();
    expect(read).toBe(8 * 1024 * 1024);
  });

  it('counts a FIN the peer received behind unread bytes as quiet, and a FIN on its way as busy', async () => {
    const { c, client, accepted } = await pair('127.0.0.1', (s) => s.pause()); // the server never reads
    client.end('unread'); // node emits 'end' only once the bytes before it are read
    expect(c.io.state()).toMatchObject({ busy: true, waiting: expect.stringMatching(/FIN/) });
    await c.advance(60_000);
    expect(accepted[0]!.readableEnded).toBe(false);
    expect(c.io.state().busy).toBe(false);
  });

  it('names the socket and what it waits for', async () => {
    const { c, client } = await pair('127.0.0.1');
    client.write('x');
    const { busy, waiting } = c.io.state();
    expect(busy).toBe(true);
    expect(waiting).toBe(`client socket 127.0.0.1:${client.localPort} -> 127.0.0.1:${client.remotePort} wrote 1 byte its in-process peer has not read`);
  });
});

describe('unmapped', () => {
  it('reads an IPv4-mapped IPv6 address as its IPv4 address, and leaves others alone', () => {
    expect(unmapped('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(unmapped('::FFFF:10.0.0.1')).toBe('10.0.0.1');
    expect(unmapped('127.0.0.1')).toBe('127.0.0.1');
    expect(unmapped('::1')).toBe('::1');
    expect(unmapped('::ffff:1')).toBe('::ffff:1');
    expect(unmapped(undefined)).toBeUndefined();
  });
});
