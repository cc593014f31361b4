/**
 * flatline's proxy as a process of its own, the way a user runs it in place of Toxiproxy:
 * `flatline toxiproxy --port 0` from bin/flatline.mjs, with the proxy created through its HTTP API
 * (POST /proxies, as toxiproxy-cli does). A real Toxiproxy is its own process too, so this is the
 * configuration a side-by-side figure compares.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/flatline.mjs', import.meta.url));
/** How often `settled()` samples the process's CPU, and what it may still use per sample once idle. */
const SETTLE_SAMPLE_MS = 20;
const IDLE_CPU_MS = 0.5;

export interface ProxyProcess {
  /** The proxy's listen port. */
  port: number;
  /** CPU ms the process has used so far, all its threads; undefined without Linux's /proc. */
  cpuMs(): number | undefined;
  /** Resolves once the process has gone idle: it has finished closing what the clients closed. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `flatline toxiproxy` and creates one proxy in it, from a free loopback port to `upstreamPort`. */
export async function startProxyProcess(upstreamPort: number): Promise<ProxyProcess> {
  const child = spawn(process.execPath, [BIN, 'toxiproxy', '--port', '0', '--seed', '1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
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
    const cpuMs = () => processCpuMs(child.pid!);
    return { port: Number(created.listen.split(':').at(-1)), cpuMs, settled: () => untilIdle(cpuMs), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Waits until a sample adds less than IDLE_CPU_MS; with no CPU figure, one sample's wait. */
async function untilIdle(cpuMs: () => number | undefined): Promise<void> {
  let last = cpuMs();
  for (;;) {
    await new Promise((r) => setTimeout(r, SETTLE_SAMPLE_MS));
    const now = cpuMs();
    if (now === undefined || last === undefined || now - last < IDLE_CPU_MS) return;
    last = now;
  }
}

/**
 * Time on CPU of every thread of a process (the first field of each task's schedstat, in ns:
 * proc(5)), V8's GC helpers included as process.cpuUsage() includes them. /proc/PID/stat has the
 * same in clock ticks, 10 ms each: too coarse for ~150 ms per burst.
 */
function processCpuMs(pid: number): number | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let ns = 0;
  for (const task of tasks) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended since the listing: its time is gone with it
    }
  }
  return ns / 1e6;
}
