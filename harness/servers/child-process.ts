import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { realTimers, type Clock } from '../clock/clock.ts';
import { isVirtualClock } from '../clock/virtual-clock.ts';
import { FlatlineError } from '../util/errors.ts';

/** What real servers run as child processes (mosquitto, Prosody) share: finding, starting and waiting on them. */

/** The first of `candidates` that exists, then `name` on PATH; `envPath` (e.g. $MOSQUITTO) comes first. */
export function findBinary(name: string, envPath: string | undefined, candidates: string[]): string | undefined {
  const inPath = (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, name));
  return [envPath, ...candidates, ...inPath].find((p): p is string => !!p && existsSync(p));
}

/**
 * Keeps a virtual clock from counting the world quiet while `work` waits on another process: its
 * start or exit is no socket the IoTracker sees, and its answers come in real time. Real time
 * passing counts as progress meanwhile.
 */
export async function outOfProcess<T>(clock: Clock, work: Promise<T>): Promise<T> {
  if (!isVirtualClock(clock)) return work;
  let pending = true;
  const remove = clock.io.addSource({ busy: () => pending, progress: () => (pending ? realTimers.dateNow() : 0) });
  try {
    return await work;
  } finally {
    pending = false;
    remove();
  }
}

const realSleep = (ms: number) => new Promise((resolve) => realTimers.setTimeout(resolve, ms));

export async function freePort(host: string): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface ListeningChild {
  /** Says who is starting, for the error: e.g. `server "srv": mosquitto`. */
  what: string;
  binary: string;
  args: string[];
  host: string;
  port: number;
  /** Real time to wait for the port to accept connections. */
  timeoutMs: number;
}

/** Spawns `binary` and resolves once it accepts connections on host:port; the error quotes its stderr. */
export async function spawnListening(options: ListeningChild): Promise<ChildProcess> {
  const { what, binary, args, host, port, timeoutMs } = options;
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = signal ?? `exit code ${code}`));
  child.once('error', (err) => (exit = err.message));
  const deadline = realTimers.dateNow() + timeoutMs;
  while (!(await accepts(host, port))) {
    if (exit !== undefined || realTimers.dateNow() > deadline) {
      child.kill('SIGKILL');
      const why = exit ? `it exited (${exit})` : `it did not accept connections within ${timeoutMs} ms`;
      throw new FlatlineError('FLATLINE_ERR_SERVER', `${what} (${binary}) did not start on ${host}:${port}: ${why}${stderr ? `; it said: ${stderr.trim()}` : ''}`);
    }
    await realSleep(5);
  }
  return child;
}

/** Signals `child` and resolves when it has exited. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  return exited;
}
