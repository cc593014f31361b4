/**
 * Concurrent connections (connect, a 64-byte echo, close), direct and through the embedded proxy,
 * measured in wall time and in this process's CPU time. The CPU figure holds on a loaded machine,
 * where wall times do not: the process does the same work however long it waits for a core.
 *
 * Each is measured with the echo upstream in this process (everything on one core) and in a
 * process of its own (as a real upstream is, on the other core); the proxy and the clients are
 * always here, as in a flatline run.
 *
 * Run alone to profile the proxy's per-connection path (accept, upstream dial, link and pipeline
 * setup, close), e.g. `node --import tsx --cpu-prof bench/connections.ts 1000 10`: it prints
 * each repetition's figures.
 */
import { fileURLToPath } from 'node:url';
import { RealClock } from '../harness/clock/real-clock.ts';
import { FaultNetwork } from '../harness/net/network.ts';
import { noTrace } from '../harness/trace/trace.ts';
import { Rng } from '../harness/util/rng.ts';
import { connectEchoClose, startEchoProcess, startServer } from './tcp.ts';

export interface ConnectionsResult {
  wallMs: number;
  /** User + system CPU of this process until every socket of the round has closed. */
  cpuMs: number;
  /** Each connection's wall ms, ascending. */
  each: number[];
}

/** Where the connections go, and how to wait until that side has closed them all. */
export interface ConnectionTarget {
  label: string;
  port: number;
  settled: () => Promise<unknown>;
}

/** `n` connections at once to a target. */
export async function concurrentConnections(target: ConnectionTarget, n: number): Promise<ConnectionsResult> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const each = await Promise.all(Array.from({ length: n }, () => connectEchoClose(target.port)));
  const wallMs = performance.now() - started;
  await target.settled();
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, each: each.sort((a, b) => a - b) };
}

/** CPU ms per 1,000 connections. */
export function cpuPerThousand(result: ConnectionsResult): number {
  return (result.cpuMs / result.each.length) * 1000;
}

/**
 * Direct and proxied, with the echo in this process and in its own: the proxies are made on
 * `network`; `close()` stops the echo servers (the network is the caller's).
 */
export async function connectionTargets(network: FaultNetwork): Promise<{ targets: ConnectionTarget[]; close: () => Promise<void> }> {
  const here = await startServer((s) => s.pipe(s));
  const own = await startEchoProcess();
  const hereProxy = await network.create({ name: 'connections-here', upstream: `127.0.0.1:${here.port}` });
  const ownProxy = await network.create({ name: 'connections-own', upstream: `127.0.0.1:${own.port}` });
  return {
    targets: [
      { label: 'direct loopback', port: here.port, settled: () => here.idle() },
      { label: 'through flatline proxy', port: hereProxy.listen.port, settled: () => Promise.all([hereProxy.drained(), here.idle()]) },
      { label: 'direct, echo in its own process', port: own.port, settled: async () => {} },
      { label: 'proxy, echo in its own process', port: ownProxy.listen.port, settled: () => ownProxy.drained() },
    ],
    close: async () => {
      await Promise.all([network.remove(hereProxy.name), network.remove(ownProxy.name)]);
      await Promise.all([here.close(), own.stop()]);
    },
  };
}

async function main(n: number, repetitions: number): Promise<void> {
  const network = new FaultNetwork({ clock: new RealClock(), rng: new Rng(1), trace: noTrace });
  const { targets, close } = await connectionTargets(network);
  try {
    console.log(`${n} concurrent connections, ${repetitions} repetitions: wall ms / CPU ms of this process per 1,000`);
    for (let i = 0; i < repetitions; i++) {
      const cells: string[] = [];
      for (const target of targets) {
        const result = await concurrentConnections(target, n);
        cells.push(`${target.label} ${result.wallMs.toFixed(0)} / ${cpuPerThousand(result).toFixed(0)}`);
      }
      console.log(cells.join(' | '));
    }
  } finally {
    await close();
    await network.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main(Number(process.argv[2] ?? 1000), Number(process.argv[3] ?? 5));
}
