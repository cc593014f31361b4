import { RealClock } from '../clock/real-clock.ts';
import { realTimers } from '../clock/clock.ts';
import { FlatlineError } from '../util/errors.ts';
import type { Clock } from '../clock/clock.ts';
import { isVirtualClock, VirtualClock } from '../clock/virtual-clock.ts';
import { ScaledClock } from '../clock/scaled-clock.ts';
import { FakeTimersClock } from '../clock/fake-clock.ts';
import { refuseOutsideInVirtualTime, type OutsideParty } from '../clock/liveness.ts';
import type { ClientAdapter, ClientContext } from '../clients/adapter.ts';
import { FaultNetwork } from '../net/network.ts';
import type { Proxy } from '../net/proxy.ts';
import type { ReferenceServer, ServerContext } from '../servers/server.ts';
import { Rng } from '../util/rng.ts';
import { namePartiesIn } from '../trace/party-names.ts';
import { Trace, type TraceSink } from '../trace/trace.ts';
import { Interposer } from '../sim/interpose.ts';
import type { Host } from '../sim/host.ts';
import { SimNetwork } from '../sim/network.ts';

import { NETWORK_SUBSTRATES, type NetworkSubstrate } from './substrate.ts';

export { NETWORK_SUBSTRATES, type NetworkSubstrate };

/** Real time close() waits for the world's parties to let go, by default. */
export const CLOSE_LIMIT_MS = 10_000;
const CLOSE_BATCH = 256;

export interface WorldOptions {
  seed?: number;
  /** Virtual time (default), the real clock, or scenario time running at `scale` of real speed. */
  clock?: 'virtual' | 'real' | { scale: number };
  /** Where the reference servers listen (default 127.0.0.1; 0.0.0.0 when a Toxiproxy in another container must reach them). */
  serverHost?: string;
  /** The substrate (default kernel). `sim` needs the virtual clock: nothing on it waits on real time. */
  network?: NetworkSubstrate;
  /** Real time close() waits for clients, servers and proxies (default CLOSE_LIMIT_MS). */
  closeLimitMs?: number;
  /**
   * The world's parties that live outside this process (scenario/parties.ts). A virtual-time world
   * with one is refused before anything starts, unless `allowOutsideInVirtualTime`.
   */
  outside?: readonly OutsideParty[];
  /** Judge outside parties in virtual time anyway; every verdict of the run then says so. */
  allowOutsideInVirtualTime?: boolean;
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
  private readonly serverHost: string;
  /** The simulated network under every in-process party, when the world runs on it. */
  readonly sim: SimNetwork | undefined;
  private readonly interposer: Interposer | undefined;
  private readonly closeLimitMs: number;
  /** The parties of this world that live outside this process: they run on real time whatever the world's clock. */
  private readonly parties: OutsideParty[];

  constructor(options: WorldOptions = {}) {
    const clock = options.clock ?? 'virtual';
    this.parties = [...(options.outside ?? [])];
    const kind = clock === 'virtual' ? 'virtual' : 'real';
    for (const party of this.parties) refuseOutsideInVirtualTime({ kind }, party, options.allowOutsideInVirtualTime ?? false);
    const substrate = options.network ?? 'kernel';
    if (!NETWORK_SUBSTRATES.includes(substrate)) {
      throw new FlatlineError('FLATLINE_ERR_CONFIG', `network "${String(substrate)}" is not a substrate: use ${NETWORK_SUBSTRATES.map((n) => `"${n}"`).join(' or ')}`);
    }
    if (substrate === 'sim' && clock !== 'virtual') {
      throw new FlatlineError('FLATLINE_ERR_CONFIG', 'the simulated network runs on virtual time only; a real-time world (--time-scale, --toxiproxy) needs --network kernel');
    }
    this.clock = clock === 'virtual' ? VirtualClock.install({ substrate }) : clock === 'real' ? new RealClock() : new ScaledClock(clock.scale);
    this.serverHost = options.serverHost ?? '127.0.0.1';
    this.closeLimitMs = options.closeLimitMs ?? CLOSE_LIMIT_MS;
    this.rng = new Rng(options.seed ?? 1);
    this.trace = new Trace(this.clock);
    if (substrate === 'sim') {
      this.sim = new SimNetwork({ clock: this.clock, rng: this.rng.fork('sim'), trace: this.trace.sink });
      this.interposer = Interposer.install(this.sim);
    }
    this.network = new FaultNetwork({ clock: this.clock, rng: this.rng.fork('net'), trace: this.trace.sink });
  }

  get virtual(): VirtualClock | undefined {
    return isVirtualClock(this.clock) ? this.clock : undefined;
  }

  /** The parties of this world that live outside this process, known from the start or started since (a server that is a process of its own). */
  get outside(): readonly OutsideParty[] {
    return this.parties;
  }

  /** The outside parties this world judges in virtual time (opted in): its verdicts must say so. */
  get realTimePeers(): readonly OutsideParty[] {
    return this.virtual ? this.parties : [];
  }

  /**
   * Counts a party met after the world began among its outside ones: a server that is a process of
   * its own (it refuses virtual time itself, unless it was let run there).
   */
  private noteOutside(party: OutsideParty): void {
    if (!this.parties.some((p) => p.what === party.what)) this.parties.push(party);
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
   * it with the clock standing still (a scaled clock is held too), then lets I/O settle. Nothing time-driven can happen meanwhile,
   * so a fault applied "at 1h" is applied at exactly 1h whatever the real machine is doing.
   */
  async act<T>(work: Promise<T> | (() => Promise<T>)): Promise<T> {
    const pending = typeof work === 'function' ? work() : work;
    const result = await this.abortable(this.clock instanceof ScaledClock ? this.clock.hold(pending) : pending);
    await this.virtual?.settle();
    return result;
  }

  /** Ends the world's current and later waits with `reason` (the watchdog). */
  abort(reason: Error): void {
    if (this.clock instanceof FakeTimersClock) this.clock.abort(reason);
  }

  private abortable<T>(promise: Promise<T>): Promise<T> {
    return this.clock instanceof FakeTimersClock ? Promise.race([promise, this.clock.whenAborted]) : promise;
  }

  /** Lets `ms` of world time pass. */
  async idle(ms: number): Promise<void> {
    const v = this.virtual;
    if (v) await v.advance(ms);
    else await this.abortable(this.clock.sleep(ms));
  }

  /** The time scale of a real-time world (1 on the plain real clock), undefined in virtual time. */
  get scale(): number | undefined {
    if (this.clock instanceof ScaledClock) return this.clock.scale;
    return this.clock instanceof RealClock ? 1 : undefined;
  }

  serverContext(name: string): ServerContext {
    return { name, clock: this.clock, trace: this.trace.sink, host: this.serverHost };
  }

  /**
   * What a client adapter is given. Its trace names the world's parties instead of their ephemeral
   * ports ("connect ECONNREFUSED proxy:server", not "...127.0.0.1:40511"): error texts of ws, rws and
   * mqtt.js carry the address they failed to reach, and the same seed must give the same bytes.
   */
  clientContext(name: string): ClientContext {
    const sink = this.trace.sink;
    const trace: TraceSink = (source, type, detail) => sink(source, type, namePartiesIn(detail, this.partyAt));
    return { name, clock: this.clock, trace, rng: this.rng.fork(`client:${name}`) };
  }

  /** The proxy or server of this world listening on `port`, by its trace source name. */
  private readonly partyAt = (port: number): string | undefined => {
    const proxy = this.network.list().find((p) => p.listen.port === port);
    if (proxy) return `proxy:${proxy.name}`;
    const server = this.servers.find((s) => s.port === port);
    return server && `server:${server.name}`;
  };

  /** Starts `server` and puts a proxy in front of it, named after the server unless `proxyName` says otherwise. */
  async addServer(server: ReferenceServer, proxyName = server.name): Promise<Proxy> {
    await this.startServer(server);
    // On the simulated network the proxy listens on its host's address, so the other hosts reach it too (a subject on its own host).
    return this.act(() => this.network.create({ name: proxyName, listen: `${this.sim?.defaultHost.address ?? '127.0.0.1'}:0`, upstream: `127.0.0.1:${server.port}` }));
  }

  /** Starts `server` with no proxy of the world's own (a remote Toxiproxy fronts it). */
  async startServer(server: ReferenceServer): Promise<void> {
    this.servers.push(server);
    if (server.outside) this.noteOutside(server.outside);
    await this.act(() => server.start());
  }

  /**
   * Keeps `client` for close(). On the simulated network `host` says where it lives: it is then
   * created and driven (connect, send, close: every call) on that host, so its library's sockets
   * leave from there with no option of its own.
   */
  addClient<C extends ClientAdapter>(client: C | (() => C), options: { host?: Host } = {}): C {
    const { host } = options;
    const sim = this.sim;
    if (host && !sim) throw new FlatlineError('FLATLINE_ERR_CONFIG', `client on host "${host.name}": hosts exist on the simulated network only (--network sim)`);
    const made = typeof client === 'function' ? (host ? sim!.onHost(host, client) : client()) : client;
    const driven = host ? onHostAlways(made, (fn) => sim!.onHost(host, fn)) : made;
    this.clients.push(driven);
    return driven;
  }

  /**
   * Closes every client, server and proxy, then gives the real timers back. Rejects with
   * FLATLINE_ERR_CLOSE, naming the part that did not let go, when that takes longer than the close limit.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Plain awaits, bounded in real time: this must work after a watchdog abort too.
    let stage = (): string => '';
    const release = async () => {
      // Clients are independent: closing a fleet one after another would take it past the limit,
      // and all at once doubles the peak memory of a 10,000-client world; a batch at a time does neither.
      const open = new Set(this.clients);
      stage = () => {
        const [first] = open;
        return open.size > 1 ? `${open.size} clients (the first "${first!.name}"): their close()` : `client "${first!.name}": its close()`;
      };
      for (let i = 0; i < this.clients.length; i += CLOSE_BATCH) {
        await Promise.all(this.clients.slice(i, i + CLOSE_BATCH).map(async (client) => {
          await client.close();
          open.delete(client);
        }));
      }
      for (const server of this.servers) {
        stage = () => `server "${server.name}": its close()`;
        await server.close();
      }
      stage = () => 'the fault network (its proxies and links)';
      await this.network.close();
    };
    try {
      await withRealTimeout(release(), this.closeLimitMs, () => `closing the world: ${stage()} did not finish within ${this.closeLimitMs / 1000} s of real time`);
    } finally {
      this.interposer?.uninstall();
      this.sim?.close();
      if (this.clock instanceof FakeTimersClock) this.clock.uninstall();
    }
    this.interposer?.assertNoBypass();
  }
}

/** `target` with each of its methods called through `within` (a client adapter driven on its host). */
function onHostAlways<T extends object>(target: T, within: <R>(fn: () => R) => R): T {
  return new globalThis.Proxy(target, {
    get(t, key) {
      const value: unknown = Reflect.get(t, key, t);
      return typeof value === 'function' ? (...args: unknown[]) => within(() => (value as (...a: unknown[]) => unknown).apply(t, args)) : value;
    },
  });
}

/** Rejects with FLATLINE_ERR_CLOSE and `what()` if `work` takes longer than `ms` of real time. */
async function withRealTimeout<T>(work: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: ReturnType<typeof realTimers.setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = realTimers.setTimeout(() => reject(new FlatlineError('FLATLINE_ERR_CLOSE', what())), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    realTimers.clearTimeout(timer);
  }
}
