/**
 * Concurrent connections (connect, a 64-byte echo, close), direct and through flatline's proxy,
 * measured in wall time and in CPU time. The CPU figures hold on a loaded machine, where wall
 * times do not: a process does the same work however long it waits for a core.
 *
 * The clients are always in this process. The echo upstream is here too (everything on one core)
 * or in a process of its own (as a real upstream is). The proxy is here, as in a flatline run, or
 * in a process of its own, `flatline toxiproxy`, as a user runs it in place of a real Toxiproxy
 * (which is its own process too): that row is the drop-in comparison. Next to it, the same with
 * its busy poll off (`--busy-poll-us 0`), and a bare node `pipe()` proxy in its own process, what
 * node's sockets alone cost.
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
import { BUSY_POLL_OFF, startProxyProcess } from './proxy-process.ts';
import { processCpuSince, untilIdle } from './process-cpu.ts';
import { connectEchoClose, startEchoProcess, startPipeProxyProcess, startServer } from './tcp.ts';

export interface ConnectionsResult {
  wallMs: number;
  /** User + system CPU of this process until every socket of the round has closed. */
  cpuMs: number;
  /** The same for the proxy's own process, when it has one (and /proc to read it from). */
  proxyProcessCpuMs?: number;
  /** Each connection's wall ms, ascending. */
  each: number[];
}

/** Where the connections go, and how to wait until that side has closed them all. */
export interface ConnectionTarget {
  label: string;
  port: number;
  settled: () => Promise<unknown>;
  /** Through flatline's proxy (the targets are its), or a row for comparison. */
  judged: boolean;
  /** Starts measuring the CPU of the proxy's process, when it is not this one. */
  proxyProcessCpu?: () => () => number | undefined;
}

/** What the rows' labels mean. */
export const CONNECTIONS_LEGEND = 'here: in this process, with the clients; own: in a process of its own';

/** `n` connections at once to a target. */
export async function concurrentConnections(target: ConnectionTarget, n: number): Promise<ConnectionsResult> {
  const proxyCpu = target.proxyProcessCpu?.();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const each = await Promise.all(Array.from({ length: n }, () => connectEchoClose(target.port)));
  const wallMs = performance.now() - started;
  await target.settled();
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, proxyProcessCpuMs: proxyCpu?.(), each: each.sort((a, b) => a - b) };
}

/** CPU ms per 1,000 connections. */
export function cpuPerThousand(cpuMs: number, result: ConnectionsResult): number {
  return (cpuMs / result.each.length) * 1000;
}

/** The CPU columns: this process's per 1,000, and the proxy process's ("-" for a proxy in this one). */
export function cpuCells(result: ConnectionsResult): [string, string] {
  const proxy = result.proxyProcessCpuMs === undefined ? '-' : `${cpuPerThousand(result.proxyProcessCpuMs, result).toFixed(0)} ms`;
  return [`${cpuPerThousand(result.cpuMs, result).toFixed(0)} ms`, proxy];
}

/**
 * Direct and proxied, with the echo in this process and in its own, and the proxy in this process
 * (made on `network`) and in its own, there with its busy poll on (the default) and off; last, a
 * bare node pipe() proxy in its own process, the floor for any proxy on node's sockets. `close()`
 * stops the echo servers and the proxy processes (the network is the caller's).
 */
export async function connectionTargets(network: FaultNetwork): Promise<{ targets: ConnectionTarget[]; close: () => Promise<void> }> {
  const here = await startServer((s) => s.pipe(s));
  const own = await startEchoProcess();
  const hereProxy = await network.create({ name: 'connections-here', upstream: `127.0.0.1:${here.port}` });
  const ownProxy = await network.create({ name: 'connections-own', upstream: `127.0.0.1:${own.port}` });
  const proxyProcess = await startProxyProcess(own.port);
  const unpolledProxyProcess = await startProxyProcess(own.port, BUSY_POLL_OFF);
  const pipeProxy = await startPipeProxyProcess(own.port);
  const inItsOwnProcess = (pid: number) => ({ settled: () => untilIdle(pid), proxyProcessCpu: () => processCpuSince(pid) });
  return {
    targets: [
      { label: 'direct, echo here', judged: false, port: here.port, settled: () => here.idle() },
      { label: 'proxy here, echo here', judged: true, port: hereProxy.listen.port, settled: () => Promise.all([hereProxy.drained(), here.idle()]) },
      { label: 'direct, echo own', judged: false, port: own.port, settled: async () => {} },
      { label: 'proxy here, echo own', judged: true, port: ownProxy.listen.port, settled: () => ownProxy.drained() },
      { label: 'proxy own (flatline toxiproxy), echo own', judged: true, port: proxyProcess.port, ...inItsOwnProcess(proxyProcess.pid) },
      { label: 'proxy own, busy poll off, echo own', judged: false, port: unpolledProxyProcess.port, ...inItsOwnProcess(unpolledProxyProcess.pid) },
      { label: 'bare node pipe() proxy own, echo own', judged: false, port: pipeProxy.port, ...inItsOwnProcess(pipeProxy.pid) },
    ],
    close: async () => {
      await Promise.all([network.remove(hereProxy.name), network.remove(ownProxy.name)]);
      await Promise.all([here.close(), own.stop(), proxyProcess.stop(), unpolledProxyProcess.stop(), pipeProxy.stop()]);
    },
  };
}

async function main(n: number, repetitions: number): Promise<void> {
  const network = new FaultNetwork({ clock: new RealClock(), rng: new Rng(1), trace: noTrace });
  const { targets, close } = await connectionTargets(network);
  try {
    console.log(`${n} concurrent connections, ${repetitions} repetitions: wall ms / CPU ms per 1,000 of this process [and of the proxy's own]`);
    console.log(`${CONNECTIONS_LEGEND}\n`);
    for (let i = 0; i < repetitions; i++) {
      const cells: string[] = [];
      for (const target of targets) {
        const result = await concurrentConnections(target, n);
        const [here, proxy] = cpuCells(result);
        cells.push(`${target.label} ${result.wallMs.toFixed(0)} / ${here}${proxy === '-' ? '' : ` [${proxy}]`}`);
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
