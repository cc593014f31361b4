import { fork } from 'node:child_process';
import net from 'node:net';
import { LISTEN_BACKLOG } from '../harness/net/backlog.ts';
import { compiledChild } from './compiled.ts';

const ECHO_CHILD = new URL('./echo-child.ts', import.meta.url);
const PIPE_PROXY_CHILD = new URL('./pipe-proxy-child.ts', import.meta.url);

/** A loopback TCP server for the benchmarks. */
export interface BenchServer {
  port: number;
  /** Resolves once the server holds no connection. */
  idle(): Promise<void>;
  /** Destroys its sockets and stops listening. */
  close(): Promise<void>;
}

/** A TCP server on an ephemeral loopback port with the proxy's backlog. */
export async function startServer(onSocket: (s: net.Socket) => void): Promise<BenchServer> {
  const sockets = new Set<net.Socket>();
  const waiting: (() => void)[] = [];
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
      if (sockets.size === 0) waiting.splice(0).forEach((resolve) => resolve());
    });
    s.on('error', () => {});
    onSocket(s);
  });
  server.maxConnections = 20_000;
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: LISTEN_BACKLOG }, () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    idle: () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((r) => waiting.push(r))),
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.setNoDelay(true);
    s.once('error', reject);
  });
}

export function echoOnce(socket: net.Socket, message: Buffer): Promise<void> {
  return new Promise<void>((resolve) => {
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
}

/** Wall ms of one connection's life: connect, a 64-byte echo, close. */
export async function connectEchoClose(port: number): Promise<number> {
  const started = performance.now();
  const socket = await connect(port);
  await echoOnce(socket, Buffer.alloc(64, 1));
  socket.destroy();
  return performance.now() - started;
}

/** A server of the bench in a process of its own. */
export interface ServerProcess {
  port: number;
  pid: number;
  stop: () => Promise<void>;
}

/** The echo server of bench/echo-child.ts in its own process; `stop()` ends it. */
export function startEchoProcess(): Promise<ServerProcess> {
  return forkServer(ECHO_CHILD, []);
}

/** The bare pipe() proxy of bench/pipe-proxy-child.ts in its own process, to `upstreamPort`. */
export function startPipeProxyProcess(upstreamPort: number): Promise<ServerProcess> {
  return forkServer(PIPE_PROXY_CHILD, [String(upstreamPort)]);
}

/** Forks a bench child that sends its port over IPC once listening and exits when the parent disconnects. */
async function forkServer(source: URL, args: string[]): Promise<ServerProcess> {
  const file = compiledChild(source);
  const child = fork(file, args, { execArgv: [], stdio: 'inherit' });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve(Number(message)));
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before listening`)));
  });
  return {
    port,
    pid: child.pid!,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.disconnect();
    }),
  };
}
