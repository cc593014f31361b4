import { RealClock } from '../clock/real-clock.ts';
import { realTimers } from '../clock/clock.ts';
import { FlatlineError } from '../util/errors.ts';
import type { Clock } from '../clock/clock.ts';
import { VirtualClock } from '../clock/virtual-clock.ts';
import type { ClientAdapter, ClientContext } from '../clients/adapter.ts';
import { FaultNetwork } from '../net/network.ts';
import type { Proxy } from '../net/proxy.ts';
import type { ReferenceServer, ServerContext } from '../servers/server.ts';
import { Rng } from '../util/rng.ts';
import { Trace } from './trace.ts';

const CLOSE_LIMIT_MS = 10_000;

export interface WorldOptions {
  seed?: number;
  /** Virtual time (default) or the real clock. */
  clock?: 'virtual' | 'real';
}

/**
 * One run's universe: a clock, a trace, a seeded random stream, the fault network, and the
 * servers and clients created in it, each server behind a proxy of its own. close() releases all
 * of it, so nothing outlives the run.
 */
export class World {
  readonly clock: Clock;
  readonly trace: Trace;
  readonly rng: Rng;
  readonly network: FaultNetwork;
  private readonly servers: ReferenceServer[] = [];
  private readonly clients: ClientAdapter[] = [];
  private closed = false;

  constructor(options: WorldOptions = {}) {
    this.clock = options.clock === 'real' ? new RealClock() : VirtualClock.install();
    this.rng = new Rng(options.seed ?? 1);
    this.trace = new Trace(this.clock);
    this.network = new FaultNetwork({ clock: this.clock, rng: this.rng.fork('net'), trace: this.trace.sink });
  }

  get virtual(): VirtualClock | undefined {
    return this.clock instanceof VirtualClock ? this.clock : undefined;
  }

  /** World time since the world began (virtual ms in a virtual world). */
  elapsed(): number {
    return this.clock.now() - this.trace.origin;
  }

  /** Awaits `work` while virtual time moves (plain await on the real clock). */
  run<T>(work: Promise<T> | (() => Promise<T>), limitMs?: number): Promise<T> {
    const v = this.virtual;
    if (v) return v.run(work, { limitMs });
    return typeof work === 'function' ? work() : work;
  }

  /**
   * Does something that takes no world time (start a server, call the Toxiproxy API): awaits
   * it with the clock standing still, then lets I/O settle. Nothing time-driven can happen meanwhile,
   * so a fault applied "at 1h" is applied at exactly 1h whatever the real machine is doing.
   */
  async act<T>(work: Promise<T> | (() => Promise<T>)): Promise<T> {
    const promise = typeof work === 'function' ? work() : work;
    const v = this.virtual;
    const result = await (v ? Promise.race([promise, v.whenAborted]) : promise);
    await v?.settle();
    return result;
  }

  /** Lets `ms` of world time pass. */
  async idle(ms: number): Promise<void> {
    const v = this.virtual;
    if (v) await v.advance(ms);
    else await this.clock.sleep(ms);
  }

  serverContext(name: string): ServerContext {
    return { name, clock: this.clock, trace: this.trace.sink };
  }

  clientContext(name: string): ClientContext {
    return { name, clock: this.clock, trace: this.trace.sink, rng: this.rng.fork(`client:${name}`) };
  }

  /** Starts `server` and puts a proxy named after it in front of it. */
  async addServer(server: ReferenceServer): Promise<Proxy> {
    this.servers.push(server);
    await this.act(() => server.start());
    return this.act(() => this.network.create({ name: server.name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${server.port}` }));
  }

  addClient<C extends ClientAdapter>(client: C): C {
    this.clients.push(client);
    return client;
  }

  /** Closes every client, server and proxy, then gives the real timers back. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Plain awaits, bounded in real time: this must work after a watchdog abort too.
    const release = async () => {
      for (const client of this.clients) await client.close();
      for (const server of this.servers) await server.stop('crash'); // no goodbyes at teardown: a peer behind a blackhole would never answer one
      await this.network.close();
    };
    try {
      await withRealTimeout(release(), CLOSE_LIMIT_MS, 'closing the world');
    } finally {
      this.virtual?.uninstall();
    }
  }
}

/** Rejects if `work` takes longer than `ms` of real time. */
async function withRealTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof realTimers.setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = realTimers.setTimeout(() => reject(new FlatlineError('FLATLINE_ERR_CLOCK_LIMIT', `${what} took more than ${ms / 1000} s of real time`)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    realTimers.clearTimeout(timer);
  }
}
