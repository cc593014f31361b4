import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../clock/clock.ts';
import { AcceptQueue, type Acceptor, type ServerCapacity } from './accept-queue.ts';
import type { TcpConnection } from './tcp/connection.ts';
import { simFixture, type SimFixture } from './fixture.ts';

let f: SimFixture;
afterEach(() => f?.close());

const SERVER = '10.0.0.2';
const PORT = 7000;

/** A server host 10 ms away each way, listening under `capacity`: it notes when its application sees each connection. */
async function world(capacity: ServerCapacity) {
  f = simFixture();
  const host = f.network.addHost('server', SERVER);
  f.network.path(f.network.defaultHost, host).conditions.latencyMs = 10;
  f.network.path(host, f.network.defaultHost).conditions.latencyMs = 10;
  host.limitAccepts(PORT, capacity);
  const start = f.clock.now();
  const seen: number[] = [];
  const server = net.createServer((s) => {
    seen.push(f.clock.now() - start);
    s.on('error', () => {});
    s.write('welcome');
  });
  await f.clock.run(new Promise<void>((resolve) => server.listen(PORT, SERVER, () => resolve())));
  return { host, server, seen, start };
}

/** `n` clients dial at once; each resolves with when it heard the server's welcome, or its error code. */
function dial(n: number, start: number): Promise<(number | string)[]> {
  return Promise.all(
    Array.from({ length: n }, () => new Promise<number | string>((resolve) => {
      const s = net.connect(PORT, SERVER);
      s.once('data', () => resolve(f.clock.now() - start));
      s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code!));
    })),
  );
}

describe('a server under a capacity', () => {
  it('takes connections off its accept queue no faster than acceptsPerSecond; the fraction of a millisecond is kept', async () => {
    const w = await world({ acceptsPerSecond: 300 });
    const heard = await f.clock.run(dial(7, w.start));
    // every handshake ends at 30 ms (SYN, SYN|ACK, ACK); then one every 3.33 ms, rounded up to the clock's millisecond
    expect(w.seen).toEqual([30, 34, 37, 40, 44, 47, 50]);
    expect(heard).toEqual(w.seen.map((t) => t + 10));
  });

  it('spends the handshake on each connection, one after another, before its application sees it', async () => {
    const w = await world({ handshakeMs: 50 });
    await f.clock.run(dial(3, w.start));
    expect(w.seen).toEqual([80, 130, 180]);
  });

  it('drops the SYNs beyond its backlog: those clients get in on their SYN retransmissions (1 s, 3 s, ...) as room is made', async () => {
    const w = await world({ backlog: 2, acceptsPerSecond: 1 });
    const heard = await f.clock.run(dial(5, w.start));
    // two handshakes fit; the first is taken at once, so of the three SYNs retransmitted at 1 s one
    // finds a place, and the other two both find one at 3 s
    expect(w.seen).toEqual([30, 1030, 2030, 3030, 4030]);
    expect([...heard].sort()).toEqual(w.seen.map((t) => t + 10).sort());
    // none was refused: a dropped SYN is silence, not an RST
    expect(heard.every((h) => typeof h === 'number')).toBe(true);
  });

  it('resets the connections still waiting when its listener closes, and keeps its limits when it listens again', async () => {
    const w = await world({ acceptsPerSecond: 1 });
    const heard = dial(3, w.start);
    await f.clock.advance(500);
    w.server.close();
    expect(await f.clock.run(heard)).toEqual([40, 'ECONNRESET', 'ECONNRESET']);
    await f.clock.run(new Promise<void>((resolve) => w.server.listen(PORT, SERVER, () => resolve())));
    const again = f.clock.now() - w.start;
    const later = await f.clock.run(dial(2, w.start));
    expect(later).toEqual([again + 40, again + 1040]);
  });

  it('forgets its queue when the host forgets everything (a crash)', async () => {
    const w = await world({ acceptsPerSecond: 1 });
    void dial(3, w.start);
    await f.clock.advance(500);
    w.host.forget();
    await f.clock.advance(5_000);
    expect(w.seen).toEqual([30]);
  });

  it("resets a fleet's worth of waiting connections at once (200,000, past where an argument per connection overflows the stack)", () => {
    const clock = { now: () => 0, setTimeout: () => 1, clearTimeout: () => {} } as unknown as Clock; // the application's next turn never comes
    const queue = new AcceptQueue(clock, { acceptsPerSecond: 1 });
    const accepted: unknown[] = [];
    const closed: Acceptor = { accept: (conn) => accepted.push(conn) };
    const again: Acceptor = { accept: (conn) => accepted.push(conn) };
    let resets = 0;
    const conn = () => ({ state: 'ESTABLISHED', reset: () => resets++ }) as unknown as TcpConnection;
    for (let i = 0; i < 200_000; i++) queue.push(conn(), i % 4 === 3 ? closed : again); // the first is taken at once
    queue.resetWaiting(closed);
    expect({ accepted: accepted.length, resets, waiting: queue.length }).toEqual({ accepted: 1, resets: 50_000, waiting: 149_999 });
  });
});
