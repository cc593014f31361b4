import { fileURLToPath } from 'node:url';
import { RealClock } from '../harness/clock/real-clock.ts';
import { LISTEN_BACKLOG } from '../harness/net/backlog.ts';
import { LINK_BUFFER_BYTES } from '../harness/net/link.ts';
import { FaultNetwork } from '../harness/net/network.ts';
import type { Proxy } from '../harness/net/proxy.ts';
import { noTrace } from '../harness/trace/trace.ts';
import { Rng } from '../harness/util/rng.ts';
import { CONNECTIONS_LEGEND, concurrentConnections, connectionTargets, cpuCells } from './connections.ts';
import { BUSY_POLL_OFF, sleepsSince, startProxyProcess } from './proxy-process.ts';
import { fmt, heading, percentile, row } from './support.ts';
import { processCpuSince } from './process-cpu.ts';
import { connect, echoOnce, startPipeProxyProcess, startServer } from './tcp.ts';

const GIB = 1024 ** 3;
/** A connection that takes longer than this waited out at least one SYN retry (Linux's first is 1 s, TCP_TIMEOUT_INIT). */
const SYN_RETRY_MS = 900;

const ROUND_TRIP_P99_TARGET_MS = 0.3;
const ROUND_TRIPS_PER_PART = 5000;
const ROUND_TRIP_LEGEND =
  'here: in this process, with the client and the echo; own: in a process of its own; CPU per round trip: this process / the proxy\'s own (from /proc);\n' +
  '  sleeps/trip: how often the proxy process\'s main thread went to sleep per round trip (each one a wake-up the next chunk waits for)';
/** How long an idle proxy process is watched after its round trips. */
const IDLE_SAMPLE_MS = 1000;
const CONNECTIONS_TARGET = { n: 1000, wallMs: 300 };

/**
 * The proxy against a direct loopback connection, on the real clock, with the proxy in this
 * process and in its own (`flatline toxiproxy`, as a user runs it in place of Toxiproxy). Targets:
 * 1,000 concurrent connections in < 300 ms with none over 900 ms; round trip p99 < 0.3 ms;
 * throughput >= half of direct; memory bounded with a stalled or slow reader; a bandwidth toxic
 * slows the sender.
 */
export async function benchProxy(): Promise<void> {
  const echo = await startServer((s) => s.pipe(s));
  const network = new FaultNetwork({ clock: new RealClock(), rng: new Rng(1), trace: noTrace });
  const proxy = await network.create({ name: 'bench', upstream: `127.0.0.1:${echo.port}` });
  const proxyProcess = await startProxyProcess(echo.port);
  const unpolledProxyProcess = await startProxyProcess(echo.port, BUSY_POLL_OFF);
  const pipeProxy = await startPipeProxyProcess(echo.port);
  const targets: RoundTripTarget[] = [
    { label: 'direct', port: echo.port, judged: false },
    { label: 'proxy here', port: proxy.listen.port, judged: true },
    { label: 'proxy own (flatline toxiproxy)', port: proxyProcess.port, judged: true, pid: proxyProcess.pid },
    { label: 'proxy own, busy poll off', port: unpolledProxyProcess.port, judged: false, pid: unpolledProxyProcess.pid },
    { label: 'bare node pipe() proxy own', port: pipeProxy.port, judged: false, pid: pipeProxy.pid },
  ];
  try {
    heading(
      `Round trip, 64-byte message, ${ROUND_TRIPS_PER_PART.toLocaleString('en-US')} sequential, then ${ROUND_TRIPS_PER_PART.toLocaleString('en-US')} more on the same connection (real time; target for a proxy: p99 < ${ROUND_TRIP_P99_TARGET_MS} ms)\n` +
        `  ${ROUND_TRIP_LEGEND}`,
      'median', 'p99', 'CPU here/trip', 'proxy own/trip', 'sleeps/trip', 'target',
    );
    for (const target of targets) {
      const parts = await roundTrips(target, [`${target.label}, first`, `${target.label}, next`]);
      for (const { label, times, cpuHereMs, proxyCpuMs, proxySleeps } of parts) {
        const p99 = percentile(times, 99);
        const verdict = !target.judged ? '-' : p99 < ROUND_TRIP_P99_TARGET_MS ? 'met' : 'NOT MET';
        const perTrip = (ms: number | undefined) => (ms === undefined ? '-' : fmt.us(ms / times.length));
        const sleeps = proxySleeps === undefined ? '-' : (proxySleeps / times.length).toFixed(2);
        row(label, fmt.us(percentile(times, 50)), fmt.us(p99), perTrip(cpuHereMs), perTrip(proxyCpuMs), sleeps, verdict);
      }
    }

    heading(`Idle: the proxy processes' CPU over ${IDLE_SAMPLE_MS / 1000} s after their round trips (a busy poll must stop when traffic does)`, 'CPU');
    const idle = targets.filter((t) => t.pid !== undefined).map((t) => ({ label: t.label, cpu: processCpuSince(t.pid!) }));
    await new Promise((r) => setTimeout(r, IDLE_SAMPLE_MS));
    for (const { label, cpu } of idle) {
      const ms = cpu();
      row(label, ms === undefined ? '-' : fmt.ms(ms));
    }

    heading('Bulk throughput, 256 MB one way and back (real time)', 'throughput', 'of direct');
    const direct = await bulk(echo.port, 256e6);
    for (const { label, port } of targets) {
      const ms = port === echo.port ? direct : await bulk(port, 256e6);
      row(label, fmt.mbps(256e6, ms), fmt.ratio(direct / ms)); // same bytes, so the time ratio is the throughput ratio
    }

    await benchConnections(network);

    await benchBackpressure(network);
  } finally {
    await Promise.all([proxyProcess.stop(), unpolledProxyProcess.stop(), pipeProxy.stop()]);
    await network.close();
    await echo.close();
  }
}

/**
 * Bursts of concurrent connections: first each target's first burst of 1,000 (cold for the
 * processes of their own: their JIT compiles node's connect and close paths, 2x slower; the bench's
 * own process is warm from the round trips), then the judged bursts of 1,000 and 5,000. The CPU
 * columns (per 1,000 connections) hold on a loaded machine where the wall times do not.
 */
async function benchConnections(network: FaultNetwork): Promise<void> {
  const { targets, close } = await connectionTargets(network);
  try {
    const bursts = [
      { n: 1000, what: "each target's first burst of" },
      { n: 1000, what: 'then' },
      { n: 5000, what: 'then' },
    ];
    for (const { n, what } of bursts) {
      const judged = n === CONNECTIONS_TARGET.n;
      const target = judged ? `; target for a proxy: < ${CONNECTIONS_TARGET.wallMs} ms, none > ${SYN_RETRY_MS} ms` : '';
      heading(`${what} ${n.toLocaleString('en-US')} concurrent connections: connect, echo, close (backlog ${LISTEN_BACKLOG}${target})\n  ${CONNECTIONS_LEGEND}`, 'wall time', 'slowest', `> ${SYN_RETRY_MS} ms`, 'CPU here/1,000', 'proxy own/1,000', ...(judged ? ['target'] : []));
      for (const target of targets) {
        const result = await concurrentConnections(target, n);
        const retried = result.each.filter((ms) => ms > SYN_RETRY_MS).length;
        const met = result.wallMs < CONNECTIONS_TARGET.wallMs && retried === 0;
        const verdict = !judged ? [] : !target.judged ? ['-'] : [met ? 'met' : 'NOT MET'];
        row(target.label, fmt.ms(result.wallMs), fmt.ms(result.each.at(-1)!), String(retried), ...cpuCells(result), ...verdict);
      }
    }
  } finally {
    await close();
  }
}

/** 1 GiB at a reader that stops, at a slow reader, and through a 40 MB/s bandwidth toxic. */
async function benchBackpressure(network: FaultNetwork): Promise<void> {
  heading(`Backpressure, 1 GiB pushed (bound: ${fmt.mib(LINK_BUFFER_BYTES)} per direction)`, 'sender took', 'sender time', 'link peak', 'RSS growth');
  const flood = await startServer((s) => s.pause()); // accepts, never reads
  const slow = await startServer((s) => {
    s.on('data', () => {
      s.pause();
      setTimeout(() => s.resume(), 1);
    });
  });
  const sink = await startServer((s) => s.resume()); // reads everything at once
  try {
    const cases: [string, number, (p: Proxy) => void][] = [
      ['a reader that never reads', flood.port, () => {}],
      ['a reader that pauses 1 ms per read', slow.port, () => {}],
      ['a bandwidth toxic of 40 MB/s', sink.port, (p) => p.toxics.add({ type: 'bandwidth', stream: 'upstream', attributes: { rate: 40_000 } })],
    ];
    for (const [label, port, setup] of cases) {
      const proxy = await network.create({ name: `bp-${port}`, upstream: `127.0.0.1:${port}` });
      setup(proxy);
      const rssBefore = process.memoryUsage().rss;
      let rssPeak = rssBefore;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
      const { took, ms } = await push(proxy.listen.port, GIB, 2000);
      clearInterval(sampler);
      const peak = proxy.openLinks()[0]?.peakBuffered('upstream') ?? 0;
      row(label, fmt.mib(took), fmt.s(ms), fmt.mib(peak), fmt.mib(Math.max(0, rssPeak - rssBefore)));
      await network.remove(proxy.name);
    }
  } finally {
    await Promise.all([flood.close(), slow.close(), sink.close()]);
  }
}

/** Where round trips go; `pid` when the proxy is a process of its own, to read its CPU time. */
interface RoundTripTarget {
  label: string;
  port: number;
  /** Through flatline's proxy (the target is its), or a row for comparison. */
  judged: boolean;
  pid?: number;
}

/** One part of a run of round trips: sorted times (ms) and what they cost this process and the proxy's. */
interface RoundTripPart {
  label: string;
  times: number[];
  cpuHereMs: number;
  proxyCpuMs?: number;
  /** Times the proxy process's main thread went to sleep. */
  proxySleeps?: number;
}

/**
 * ROUND_TRIPS_PER_PART sequential 64-byte round trips on one connection per label. The first part
 * through a proxy process of its own is that process's first traffic (what a test run meets first);
 * the later parts show it once V8 has compiled its paths.
 */
async function roundTrips(target: RoundTripTarget, labels: string[]): Promise<RoundTripPart[]> {
  const socket = await connect(target.port);
  const message = Buffer.alloc(64, 1);
  const parts: RoundTripPart[] = [];
  for (const label of labels) {
    const times: number[] = [];
    const cpuBefore = process.cpuUsage();
    const proxyCpu = target.pid === undefined ? undefined : processCpuSince(target.pid);
    const proxySleeps = target.pid === undefined ? undefined : sleepsSince(target.pid);
    for (let i = 0; i < ROUND_TRIPS_PER_PART; i++) {
      const start = performance.now();
      await echoOnce(socket, message);
      times.push(performance.now() - start);
    }
    const cpu = process.cpuUsage(cpuBefore);
    parts.push({ label, times: times.sort((a, b) => a - b), cpuHereMs: (cpu.user + cpu.system) / 1000, proxyCpuMs: proxyCpu?.(), proxySleeps: proxySleeps?.() });
  }
  socket.destroy();
  return parts;
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

/** Writes up to `bytes` as fast as the connection takes them; stops when it takes nothing for `stuckMs`. */
async function push(port: number, bytes: number, stuckMs: number): Promise<{ took: number; ms: number }> {
  const socket = await connect(port);
  socket.on('error', () => {});
  socket.resume();
  const block = Buffer.alloc(64 * 1024, 9);
  const start = performance.now();
  let sent = 0;
  while (sent < bytes) {
    sent += block.length;
    if (!socket.write(block)) {
      const drained = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), stuckMs);
        socket.once('drain', () => (clearTimeout(timer), resolve(true)));
      });
      if (!drained) break;
    }
  }
  const took = sent - socket.writableLength;
  const ms = performance.now() - start - (sent < bytes ? stuckMs : 0);
  socket.destroy();
  return { took, ms };
}

// run alone (`npx tsx bench/net.ts`), only the proxy's section of `npm run bench`
if (process.argv[1] === fileURLToPath(import.meta.url)) await benchProxy();
