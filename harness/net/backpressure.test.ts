import { once } from 'node:events';
import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RealClock } from '../clock/real-clock.ts';
import { noTrace } from '../trace/trace.ts';
import { Rng } from '../util/rng.ts';
import { startFlood } from '../../test/support/flood.ts';
import { useWorld } from '../../test/support/world.ts';
import { LINK_BUFFER_BYTES } from './link.ts';
import { FaultNetwork } from './network.ts';
import type { Proxy } from './proxy.ts';
import type { ToxicInput } from './toxic-collection.ts';

/** Small, so the tests on real sockets move little; the one in virtual time moves 1 GiB with the default. */
const BUFFER = 256 * 1024;
/** What one direction may hold past its buffer: the read that tipped it over (libuv reads at most 64 KiB). */
const ONE_READ = 64 * 1024;
const GIB = 1024 ** 3;

/**
 * Writes blocks until the socket stops taking them (no 'drain' for `quietMs`) or `bytes` are out;
 * resolves with the bytes the socket took.
 */
function pushUntilStuck(socket: net.Socket, bytes: number, quietMs = 300): Promise<number> {
  const block = Buffer.alloc(64 * 1024, 0x61);
  let written = 0;
  return new Promise((resolve) => {
    let quiet: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(quiet);
      resolve(written - socket.writableLength);
    };
    const more = () => {
      clearTimeout(quiet);
      while (written < bytes) {
        written += block.length;
        const last = written >= bytes;
        if (!socket.write(block, last ? () => done() : undefined) && !last) {
          quiet = setTimeout(done, quietMs);
          return;
        }
      }
    };
    socket.on('drain', more);
    more();
  });
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A server that reads slowly: a chunk, then a pause of `pauseMs`; resolves each connection's byte count at its end. */
async function startSlowReader(pauseMs: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.on('data', () => {
      s.pause();
      setTimeout(() => s.resume(), pauseMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

describe('backpressure on real sockets', () => {
  let network: FaultNetwork;
  let flood: Awaited<ReturnType<typeof startFlood>>;
  const sockets: net.Socket[] = [];

  beforeEach(async () => {
    network = new FaultNetwork({ clock: new RealClock(), rng: new Rng(1), trace: noTrace, bufferBytes: BUFFER, closeDeadlineMs: 100 });
    flood = await startFlood();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await network.close();
    await flood.close();
  });

  const through = async (proxy: Proxy) => {
    const socket = await connect(proxy.listen.port);
    sockets.push(socket);
    socket.on('error', () => {});
    socket.resume(); // the client reads whatever comes back; only the server stalls
    return socket;
  };

  const toxics: [string, ToxicInput[]][] = [
    ['no toxic', []],
    ['latency', [{ type: 'latency', stream: 'upstream', attributes: { latency: 5 } }]],
    ['bandwidth', [{ type: 'bandwidth', stream: 'upstream', attributes: { rate: 100_000 } }]],
    ['slicer', [{ type: 'slicer', stream: 'upstream', attributes: { average_size: 1500, size_variation: 500, delay: 10 } }]],
    ['slow_close', [{ type: 'slow_close', stream: 'upstream', attributes: { delay: 10 } }]],
    ['limit_data', [{ type: 'limit_data', stream: 'upstream', attributes: { bytes: 2 ** 40 } }]],
    ['nat_idle', [{ type: 'nat_idle', attributes: { timeout: 600_000 } }]],
    ['half_open', [{ type: 'half_open' }]],
    ['latency then slicer', [{ type: 'latency', stream: 'upstream', attributes: { latency: 1 } }, { type: 'slicer', stream: 'upstream', attributes: { average_size: 100, delay: 0 } }]],
  ];

  it.each(toxics)('with %s, a server that never reads stops the sender; the proxy holds at most its buffer', async (_what, list) => {
    const proxy = await network.create({ name: 'p', upstream: `127.0.0.1:${flood.port}` });
    for (const toxic of list) proxy.toxics.add(toxic);
    const client = await through(proxy);
    const taken = await pushUntilStuck(client, GIB);
    expect(taken).toBeLessThan(64 * 1024 * 1024); // the kernel buffers and the proxy's buffer, not the 1 GiB offered
    const [link] = proxy.openLinks();
    expect(link!.peakBuffered('upstream')).toBeGreaterThan(0);
    expect(link!.peakBuffered('upstream')).toBeLessThanOrEqual(BUFFER + ONE_READ);
  });

  it.each([
    ['blackhole', { type: 'blackhole', stream: 'upstream' }],
    ['timeout', { type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } }],
  ] as [string, ToxicInput][])('a %s toxic drops what it reads, so the sender is never held up', async (_what, toxic) => {
    const proxy = await network.create({ name: 'p', upstream: `127.0.0.1:${flood.port}` });
    proxy.toxics.add(toxic);
    const client = await through(proxy);
    const total = 32 * 1024 * 1024;
    expect(await pushUntilStuck(client, total, 2000)).toBe(total);
    expect(proxy.openLinks()[0]!.peakBuffered('upstream')).toBe(0);
  });

  it('through a slow reader, every byte arrives and the proxy holds at most its buffer', async () => {
    const slow = await startSlowReader(1);
    try {
      const proxy = await network.create({ name: 'slow', upstream: `127.0.0.1:${slow.port}` });
      proxy.toxics.add({ type: 'latency', stream: 'upstream', attributes: { latency: 1 } });
      const client = await through(proxy);
      const total = 32 * 1024 * 1024;
      expect(await pushUntilStuck(client, total, 5000)).toBe(total);
      const link = proxy.openLinks()[0]!;
      await new Promise<void>((resolve) => {
        const check = () => (link.buffered('upstream') === 0 ? resolve() : setTimeout(check, 10));
        check();
      });
      expect(link.peakBuffered('upstream')).toBeGreaterThan(ONE_READ);
      expect(link.peakBuffered('upstream')).toBeLessThanOrEqual(BUFFER + ONE_READ);
    } finally {
      await slow.close();
    }
  });
});

describe('backpressure in simulator mode on the virtual clock', () => {
  const world = useWorld({ upstream: 'memory' });

  it('a bandwidth toxic slows the sender to its rate', async () => {
    const w = world().toxics({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 1000 } }); // 1 MB/s
    const client = await w.attach();
    const total = 10_000_000;
    const block = Buffer.alloc(10_000, 0x62);
    const t0 = w.now();
    const sent = (async () => {
      for (let written = 0; written < total; written += block.length) {
        if (!client.end.write(block)) await new Promise((r) => client.end.once('drain', r));
      }
      return w.now();
    })();
    const doneAt = await w.run(sent);
    // The sender may run ahead of the rate by what the proxy buffers (1 MiB) and the pipes hold.
    const slack = (1024 * 1024 + 64 * 1024) / 1000;
    expect(doneAt - t0).toBeGreaterThanOrEqual(total / 1000 - slack);
    expect(doneAt - t0).toBeLessThanOrEqual(total / 1000);
    await w.run(client.receiveBytes(total));
  });

  it('1 GiB to a client that reads one block per ms: every byte comes back, each direction holds at most its buffer', async () => {
    // 1 ms of latency each way: the bytes wait in the toxics, so what fills is the link's own buffer
    const w = world().toxics({ type: 'latency', stream: 'upstream', attributes: { latency: 1 } }, { type: 'latency', stream: 'downstream', attributes: { latency: 1 } });
    const [app, proxySide] = w.pipes!.pair(); // a bare end: Client would keep every byte as text
    const link = w.proxy.attach(proxySide);
    const block = Buffer.alloc(ONE_READ, 0x61);
    const received = new Promise<void>((resolve) => {
      let got = 0;
      app.on('data', (d: Buffer) => {
        got += d.length;
        if (got >= GIB) return resolve();
        app.pause();
        setTimeout(() => app.resume(), 1); // the virtual clock's: 16,384 reads take no real time
      });
    });
    const sent = (async () => {
      for (let written = 0; written < GIB; written += block.length) if (!app.write(block)) await once(app, 'drain');
    })();
    await w.run(Promise.all([sent, received]));
    for (const stream of ['upstream', 'downstream'] as const) {
      expect(link.peakBuffered(stream)).toBeGreaterThan(LINK_BUFFER_BYTES / 2);
      expect(link.peakBuffered(stream)).toBeLessThanOrEqual(LINK_BUFFER_BYTES + ONE_READ);
    }
    app.destroy();
  });
});
