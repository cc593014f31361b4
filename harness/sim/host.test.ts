import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { simFixture, type SimFixture } from './fixture.ts';

let f: SimFixture;
afterEach(() => f?.close());

const SERVER = '10.0.0.2';

/** A server host 10 ms away each way, listening on 7000 and echoing, with one client connected. */
async function world() {
  f = simFixture();
  const host = f.network.addHost('server', SERVER);
  f.network.path(f.network.defaultHost, host).conditions.latencyMs = 10;
  f.network.path(host, f.network.defaultHost).conditions.latencyMs = 10;
  const accepted: net.Socket[] = [];
  const serverErrors: string[] = [];
  const listener = net.createServer((s) => {
    accepted.push(s);
    s.on('data', (d) => s.write(d));
    s.on('error', (err: NodeJS.ErrnoException) => serverErrors.push(err.code!));
  });
  await f.clock.run(new Promise<void>((resolve) => listener.listen(7000, SERVER, () => resolve())));
  const first = await connect();
  return { host, listener, accepted, serverErrors, first };
}

function connecting(): Promise<net.Socket> {
  return new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(7000, SERVER, () => resolve(s));
    s.once('error', reject);
  });
}

const connect = () => f.clock.run(connecting());

async function echo(socket: net.Socket, text: string): Promise<string> {
  const reply = new Promise<string>((resolve) => socket.once('data', (d) => resolve(String(d))));
  socket.write(text);
  return f.clock.run(reply);
}

const failure = (p: Promise<unknown>) => f.clock.run(p.then(() => 'connected', (err: NodeJS.ErrnoException) => err.code));

describe('a host whose listener stops accepting', () => {
  it('refusing (a closed listener): a new connect gets ECONNREFUSED a round trip later; the established connection lives on', async () => {
    const w = await world();
    w.host.stopAccepting(7000, 'refuse');
    const start = f.clock.now();
    expect(await failure(connecting())).toBe('ECONNREFUSED');
    expect(f.clock.now() - start).toBe(20);
    expect(await echo(w.first, 'still here')).toBe('still here');
  });

  it('dropping SYNs (a full accept queue): the connect retries its SYN until ETIMEDOUT at 127 s, or gets in once accepting resumes', async () => {
    const w = await world();
    w.host.stopAccepting(7000, 'drop');
    const start = f.clock.now();
    expect(await failure(connecting())).toBe('ETIMEDOUT');
    expect(f.clock.now() - start).toBe(127_000); // tcp_syn_retries = 6: 1 + 2 + 4 + 8 + 16 + 32 + 64 s
    const later = connecting();
    await f.clock.advance(2_000);
    w.host.resumeAccepting(7000);
    const resumedAt = f.clock.now();
    expect(await failure(later)).toBe('connected');
    expect(f.clock.now() - resumedAt).toBe(1_000 + 20); // the SYN retry at 3 s, then its round trip
    expect(await echo(w.first, 'unaffected')).toBe('unaffected');
  });
});

describe('a host that kills every connection of a port at once', () => {
  it('sends each peer an RST (ECONNRESET one hop later), fails the application sockets with ECONNABORTED, and keeps listening', async () => {
    const w = await world();
    const second = await connect();
    await f.clock.advance(10); // its ACK reaches the server: accepted there too
    const clientErrors: string[] = [];
    for (const s of [w.first, second]) s.on('error', (err: NodeJS.ErrnoException) => clientErrors.push(err.code!));
    expect(w.host.abortConnections(7000)).toBe(2);
    await f.clock.advance(10);
    expect(clientErrors).toEqual(['ECONNRESET', 'ECONNRESET']);
    expect(w.serverErrors).toEqual(['ECONNABORTED', 'ECONNABORTED']);
    expect(await echo(await connect(), 'a new one')).toBe('a new one');
  });
});

describe('a port outside 16 bits', () => {
  it('is refused as node refuses it, by listen and by connect (ERR_SOCKET_BAD_PORT)', () => {
    f = simFixture();
    const host = f.network.addHost('server', SERVER);
    const listener = { address: SERVER, backlog: 511, accept: () => {} };
    expect(() => host.listen(65536, listener)).toThrow(expect.objectContaining({ code: 'ERR_SOCKET_BAD_PORT', message: 'options.port should be >= 0 and < 65536. Received type number (65536).' }));
    expect(() => net.connect(70000, SERVER)).toThrow(expect.objectContaining({ code: 'ERR_SOCKET_BAD_PORT', message: 'Port should be >= 0 and < 65536. Received type number (70000).' }));
    expect(host.listen(65535, listener)).toBe(65535);
  });
});
