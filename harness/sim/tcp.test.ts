import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { simFixture, type SimFixture } from './fixture.ts';
import { RTO_MIN_MS, retransmitBudgetMs, TCP_RETRIES2 } from './tcp/constants.ts';

let f: SimFixture;
afterEach(() => f?.close());

const SERVER = '10.0.0.2';

/** A client on the default host and a server host at 10.0.0.2, `latency` ms apart each way. */
function twoHosts(latencyMs = 0) {
  f = simFixture();
  const server = f.network.addHost('server', SERVER);
  const up = f.network.path(f.network.defaultHost, server);
  const down = f.network.path(server, f.network.defaultHost);
  up.conditions.latencyMs = down.conditions.latencyMs = latencyMs;
  const since = f.clock.now();
  return { server, up, down, elapsed: () => f.clock.now() - since };
}

async function listen(onSocket: (s: net.Socket) => void, options: net.ServerOpts = {}): Promise<net.Server> {
  const server = net.createServer(options, onSocket);
  await f.clock.run(new Promise<void>((resolve) => server.listen(7000, SERVER, () => resolve())));
  return server;
}

function connected(options: net.NetConnectOpts = { host: SERVER, port: 7000 }): Promise<net.Socket> {
  return f.clock.run(
    new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect(options, () => resolve(socket));
      socket.once('error', reject);
    }),
  );
}

function failure(socket: net.Socket): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve) => socket.once('error', resolve));
}

describe('connect', () => {
  it('to a closed port is refused after one round trip', async () => {
    const { elapsed } = twoHosts(40);
    const err = await f.clock.run(failure(net.connect(7001, SERVER)));
    expect(err).toMatchObject({ code: 'ECONNREFUSED', syscall: 'connect', address: SERVER, port: 7001, message: `connect ECONNREFUSED ${SERVER}:7001` });
    expect(elapsed()).toBe(80);
  });

  it('across a silent path retries the SYN tcp_syn_retries = 6 times and gives up at 127 s', async () => {
    const { up, elapsed } = twoHosts(10);
    await listen(() => {});
    up.conditions.down = true;
    const err = await f.clock.run(failure(net.connect(7000, SERVER)));
    expect(err).toMatchObject({ code: 'ETIMEDOUT', syscall: 'connect', message: `connect ETIMEDOUT ${SERVER}:7000` });
    expect(elapsed()).toBe(127_000);
    expect(up.sent).toBe(7); // the SYN and its six retries: 1 + 2 + 4 + 8 + 16 + 32 + 64 s
  });

  it('gives up after the client’s own timeout first, when it has one', async () => {
    const { up, elapsed } = twoHosts();
    await listen(() => {});
    up.conditions.down = true;
    const socket = net.connect({ host: SERVER, port: 7000, timeout: 0 });
    socket.setTimeout(10_000);
    await f.clock.run(new Promise((resolve) => socket.once('timeout', resolve)));
    expect(elapsed()).toBe(10_000);
    socket.destroy();
  });

  it('to an address no host has is unreachable; to a name no host has is not found', async () => {
    twoHosts();
    expect(await f.clock.run(failure(net.connect(80, '10.9.9.9')))).toMatchObject({ code: 'EHOSTUNREACH', message: 'connect EHOSTUNREACH 10.9.9.9:80' });
    expect(await f.clock.run(failure(net.connect(80, 'nowhere.example')))).toMatchObject({ code: 'ENOTFOUND', syscall: 'getaddrinfo' });
  });

  it('finds hosts by name, and gives fixed addresses and ports', async () => {
    twoHosts();
    await listen(() => {});
    const socket = await connected({ host: 'server', port: 7000 });
    expect(socket).toBeInstanceOf(net.Socket);
    expect({ remote: `${socket.remoteAddress}:${socket.remotePort}`, local: `${socket.localAddress}:${socket.localPort}` }).toEqual({ remote: `${SERVER}:7000`, local: '10.0.0.1:32768' });
    socket.destroy();
  });
});

describe('data into a silent path', () => {
  const budget = retransmitBudgetMs(TCP_RETRIES2, RTO_MIN_MS);

  it('is retransmitted with exponential backoff and ends in ETIMEDOUT after tcp_retries2 = 15 (924.6 s)', async () => {
    const { up, elapsed } = twoHosts();
    await listen(() => {});
    const socket = await connected();
    up.conditions.down = true;
    const start = elapsed();
    socket.write('into the void');
    const err = await f.clock.run(failure(socket));
    expect(budget).toBe(924_600);
    expect(err).toMatchObject({ code: 'ETIMEDOUT', syscall: 'read', message: 'read ETIMEDOUT' });
    expect(elapsed() - start).toBe(924_600);
    expect(up.dropped).toBe(16); // the first send and 15 retransmissions
  });

  it('is delivered in order, once, when the path heals before the budget ends', async () => {
    const { up } = twoHosts(20);
    const received: string[] = [];
    await listen((s) => s.on('data', (d) => received.push(String(d))));
    const socket = await connected();
    up.conditions.down = true;
    for (const m of ['one ', 'two ', 'three']) socket.write(m);
    await f.clock.advance(30_000);
    expect(received).toEqual([]);
    up.conditions.down = false;
    await f.clock.advance(60_000);
    expect(received.join('')).toBe('one two three');
    expect(socket.destroyed).toBe(false);
    socket.destroy();
  });

  it('uses Linux’s RTO: srtt + max(4 rttvar, 200 ms) after an 80 ms round trip', async () => {
    const { up, elapsed } = twoHosts(40);
    await listen(() => {});
    const socket = await connected();
    up.conditions.down = true;
    const sentAt = elapsed();
    socket.write('x');
    await f.clock.advance(1);
    const before = up.sent;
    // srtt 80, rttvar 40: 80 + max(160, 200) = 280 ms to the first retransmission
    await f.clock.advance(278);
    expect(up.sent).toBe(before);
    await f.clock.advance(2);
    expect(up.sent).toBe(before + 1);
    expect(elapsed() - sentAt).toBe(281);
    socket.destroy();
  });
});

describe('keepalive', () => {
  it('probes after the idle time node asked for, then libuv’s 1 s x 10, and times out', async () => {
    const { up, elapsed } = twoHosts();
    await listen(() => {});
    const socket = await connected();
    socket.setKeepAlive(true, 60_000);
    const start = elapsed();
    up.conditions.down = true;
    const err = await f.clock.run(failure(socket));
    expect(err).toMatchObject({ code: 'ETIMEDOUT' });
    expect(elapsed() - start).toBe(70_000); // idle 60 s, probes at 60..69 s, dead at 70 s
    expect(up.dropped).toBe(10);
  });

  it('keeps an idle connection answered for a day, one probe a minute after the last answer', async () => {
    const { up } = twoHosts(5);
    await listen(() => {});
    const socket = await connected();
    socket.setKeepAlive(true, 60_000);
    const before = up.sent;
    await f.clock.advance(24 * 3_600_000);
    expect(socket.destroyed).toBe(false);
    expect(up.sent - before).toBe(Math.floor((24 * 3_600_000) / 60_010)); // each answer takes a 10 ms round trip
    socket.destroy();
  });

  it('sends no probe while data is unacknowledged: the retransmission timer decides', async () => {
    const { up, elapsed } = twoHosts();
    await listen(() => {});
    const socket = await connected();
    socket.setKeepAlive(true, 1_000);
    up.conditions.down = true;
    const start = elapsed();
    socket.write('pending');
    const err = await f.clock.run(failure(socket));
    expect(err.code).toBe('ETIMEDOUT');
    expect(elapsed() - start).toBe(924_600);
  });

  it('with setKeepAlive(true) and no delay keeps Linux’s 2 hours, 75 s x 9', async () => {
    const { up, elapsed } = twoHosts();
    await listen(() => {});
    const socket = await connected();
    socket.setKeepAlive(true);
    const start = elapsed();
    up.conditions.down = true;
    await f.clock.run(failure(socket));
    expect(elapsed() - start).toBe(7_200_000 + 9 * 75_000);
  });
});

describe('reset', () => {
  it('from the peer is ECONNRESET to a reading socket', async () => {
    twoHosts(10);
    await listen((s) => s.on('data', () => s.resetAndDestroy()));
    const socket = await connected();
    socket.on('data', () => {});
    const closed = new Promise<boolean>((resolve) => socket.once('close', resolve));
    socket.write('hello');
    const err = await f.clock.run(failure(socket));
    expect(err).toMatchObject({ code: 'ECONNRESET', syscall: 'read', message: 'read ECONNRESET' });
    expect(await f.clock.run(closed)).toBe(true);
  });

  it('answers a segment for a connection the peer forgot; a socket not reading hears EPIPE on its next write', async () => {
    const { server } = twoHosts(10);
    await listen(() => {});
    const socket = await connected();
    socket.pause();
    server.forget();
    socket.write('anyone there?');
    await f.clock.advance(100);
    expect(socket.destroyed).toBe(false);
    socket.write('again');
    const err = await f.clock.run(failure(socket));
    expect(err).toMatchObject({ code: 'EPIPE', syscall: 'write' });
  });
});

describe('FIN and half-close', () => {
  it('with allowHalfOpen the side that got a FIN can still answer', async () => {
    twoHosts(10);
    await listen(
      (s) => {
        let got = '';
        s.on('data', (d) => (got += d));
        s.on('end', () => s.end(`you said ${got}`));
      },
      { allowHalfOpen: true },
    );
    const socket = await connected();
    let reply = '';
    socket.on('data', (d) => (reply += d));
    socket.end('bye');
    await f.clock.run(new Promise((resolve) => socket.once('close', resolve)));
    expect(reply).toBe('you said bye');
  });

  it('without allowHalfOpen a FIN is answered with a FIN', async () => {
    twoHosts(10);
    let serverEnd!: () => void;
    const serverEnded = new Promise<void>((resolve) => (serverEnd = resolve));
    await listen((s) => s.on('end', serverEnd).resume());
    const socket = await connected();
    socket.resume();
    socket.end();
    await f.clock.run(serverEnded);
    await f.clock.run(new Promise((resolve) => socket.once('close', resolve)));
    expect(socket.destroyed).toBe(true);
  });
});

describe('a new SYN that meets the server\'s TIME_WAIT', () => {
  /**
   * The server closes first, so its end of the 4-tuple waits 60 s in TIME_WAIT; the client then
   * reuses the same ephemeral port (as a host does once it has gone round its 28,232 ports).
   */
  async function reusedTuple(keepListening: boolean) {
    const hosts = twoHosts();
    const server = await listen((s) => s.end());
    const first = await connected();
    first.resume();
    await f.clock.run(new Promise((resolve) => first.once('close', resolve)));
    if (!keepListening) server.close(); // stops listening at once; its 'close' waits for the TIME_WAIT
    (f.network.defaultHost as unknown as { nextPort: number }).nextPort = first.localPort!;
    return hosts;
  }

  it('with no listener: the client resets the TIME_WAIT its SYN met, and the SYN retried 1 s later is refused', async () => {
    const { elapsed } = await reusedTuple(false);
    const since = elapsed();
    const err = await f.clock.run(failure(net.connect(7000, SERVER)));
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
    expect(elapsed() - since).toBe(1_000);
  });

  it('with a listener: the SYN opens the new connection at once (TCP_TW_SYN)', async () => {
    const { elapsed } = await reusedTuple(true);
    const since = elapsed();
    const socket = await connected();
    expect(socket.localPort).toBe(32768);
    expect(elapsed() - since).toBe(0);
  });
});

describe('flow control', () => {
  it('a reader that stops fills the window: write() returns false, the sender is held, and drains once it reads', async () => {
    twoHosts(5);
    let peer!: net.Socket;
    let received = 0;
    await listen((s) => {
      peer = s;
      s.pause();
      s.on('data', (d) => (received += d.length));
    });
    const socket = await connected();
    const total = 1024 * 1024;
    let refused = 0;
    for (let sent = 0; sent < total; sent += 16 * 1024) if (!socket.write(Buffer.alloc(16 * 1024))) refused++;
    let drained = false;
    socket.on('drain', () => (drained = true));
    await f.clock.advance(10_000);
    expect(refused).toBeGreaterThan(0);
    expect(received).toBe(0);
    expect(drained).toBe(false);
    expect(socket.writableLength).toBeGreaterThan(total / 2); // held back in the sender
    const held = (peer as unknown as { simConnection: { state: string } }).simConnection;
    expect(held.state).toBe('ESTABLISHED');
    peer.resume();
    await f.clock.advance(10_000);
    expect(received).toBe(total);
    expect(drained).toBe(true);
    socket.destroy();
  });
});

describe('the interposer', () => {
  it('reports a library that opens a kernel socket around it', async () => {
    twoHosts();
    const { TCP, constants } = (process as unknown as { binding(name: string): { TCP: new (type: number) => { close(): void }; constants: { SOCKET: number } } }).binding('tcp_wrap');
    new TCP(constants.SOCKET).close();
    expect(() => f.interposer.assertNoBypass()).toThrow(/kernel TCP socket was opened in a simulated world.*--network kernel/);
  });
});
