/**
 * flatline's proxy as a process of its own, the way a user runs it in place of Toxiproxy:
 * `flatline toxiproxy --port 0` from bin/flatline.mjs, with the proxy created through its HTTP API
 * (POST /proxies, as toxiproxy-cli does). A real Toxiproxy is its own process too, so this is the
 * configuration a side-by-side figure compares.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ServerProcess } from './tcp.ts';

const BIN = fileURLToPath(new URL('../bin/flatline.mjs', import.meta.url));

/**
 * Starts `flatline toxiproxy` (with `options`, e.g. ['--busy-poll-us', '0']) and creates one proxy
 * in it, from a free loopback port (`port`) to `upstreamPort`.
 */
export async function startProxyProcess(upstreamPort: number, options: string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, 'toxiproxy', '--port', '0', '--seed', '1', ...options], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // unlike the forked children it has no IPC channel to notice the bench is gone: a bench that
  // crashes or exits early takes it down on its way out
  const kill = () => child.kill('SIGTERM');
  process.once('exit', kill);
  const stop = async () => {
    process.off('exit', kill);
    if (child.exitCode === null && child.signalCode === null) kill();
    await exited;
  };
  try {
    const api = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
        if (url) resolve(url);
      });
      void exited.then((code) => reject(new Error(`flatline toxiproxy exited with ${code} before listening: ${out}`)));
    });
    const response = await fetch(`${api}/proxies`, {
      method: 'POST',
      body: JSON.stringify({ name: 'bench', listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}`, enabled: true }),
    });
    const created = (await response.json()) as { listen?: string };
    if (response.status !== 201 || !created.listen) throw new Error(`POST /proxies answered ${response.status}: ${JSON.stringify(created)}`);
    return { port: Number(created.listen.split(':').at(-1)), pid: child.pid!, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The proxy process's option that turns its busy poll off, for the rows that show what the poll changes. */
export const BUSY_POLL_OFF = ['--busy-poll-us', '0'];

/**
 * Starts counting the times a process's main thread went to sleep (its voluntary context switches,
 * proc(5) /proc/PID/task/PID/status): each one is a wake-up the next chunk has to wait for. The
 * function returns the count since; undefined without /proc.
 */
export function sleepsSince(pid: number): () => number | undefined {
  const read = (): number | undefined => {
    try {
      return Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8'))?.[1]);
    } catch {
      return undefined;
    }
  };
  const before = read();
  return () => {
    const after = read();
    return before === undefined || after === undefined ? undefined : after - before;
  };
}
