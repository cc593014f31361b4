import net from 'node:net';
import { RealClock } from '../harness/clock/real-clock.ts';
import { FaultNetwork } from '../harness/net/network.ts';
import { noTrace } from '../harness/trace/trace.ts';
import { Rng } from '../harness/util/rng.ts';
import { fmt, heading, percentile, row } from './support.ts';

/** The proxy against a direct loopback connection, on the real clock, with no toxics. */
export async function benchProxy(): Promise<void> {
  const echo = await startEchoServer();
  const network = new FaultNetwork({ clock: new RealClock(), rng: new Rng(1), trace: noTrace });
  const proxy = await network.create({ name: 'bench', upstream: `127.0.0.1:${echo.port}` });
  try {
    heading('Round trip, 64-byte message, 5,000 sequential (real time)', 'median', 'p99');
    for (const [label, port] of [['direct loopback', echo.port], ['through flatline proxy', proxy.listen.port]] as const) {
      const times = await roundTrips(port, 5000);
      row(label, fmt.us(percentile(times, 50)), fmt.us(percentile(times, 99)));
    }

    heading('Bulk throughput, 256 MB one way and back (real time)', 'throughput', 'of direct');
    const direct = await bulk(echo.port, 256e6);
    const proxied = await bulk(proxy.listen.port, 256e6);
    row('direct loopback', fmt.mbps(256e6, direct), '1.00');
    row('through flatline proxy', fmt.mbps(256e6, proxied), fmt.ratio(direct / proxied)); // same bytes, so the time ratio is the throughput ratio

    heading('1,000 concurrent connections through the proxy: connect, echo, close', 'wall time');
    const started = performance.now();
    await Promise.all(Array.from({ length: 1000 }, () => roundTrips(proxy.listen.port, 1)));
    row('accept + echo on 1,000 connections', fmt.ms(performance.now() - started));
  } finally {
    await network.close();
    await echo.close();
  }
}

async function startEchoServer() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    s.pipe(s);
  });
  server.maxConnections = 10_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', 2048, () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

/** Sorted round-trip times (ms) of n sequential 64-byte messages on one connection. */
async function roundTrips(port: number, n: number): Promise<number[]> {
  const socket = await connect(port);
  const message = Buffer.alloc(64, 1);
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await new Promise<void>((resolve) => {
      let got = 0;
      const onData = (d: Buffer) => {
        got += d.length;
        if (got >= message.length) {
          socket.off('data', onData);
          resolve();
        }
      };
      socket.on('data', onData);
      socket.write(message);
    });
    times.push(performance.now() - start);
  }
  socket.destroy();
  return times.sort((a, b) => a - b);
}

/** Wall ms to push `bytes` through an echo and read them all back. */
async function bulk(port: number, bytes: number): Promise<number> {
  const socket = await connect(port);
  const block = Buffer.alloc(64 * 1024, 7);
  const start = performance.now();
  const received = new Promise<void>((resolve) => {
    let got = 0;
    socket.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= bytes) resolve();
    });
  });
  for (let sent = 0; sent < bytes; sent += block.length) {
    if (!socket.write(block)) await new Promise((r) => socket.once('drain', r));
  }
  await received;
  const elapsed = performance.now() - start;
  socket.destroy();
  return elapsed;
}
