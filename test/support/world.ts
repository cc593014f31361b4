import net from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { realTimers, type Clock } from '../../harness/clock/clock.ts';
import { IoTracker } from '../../harness/clock/io-tracker.ts';
import { RealClock } from '../../harness/clock/real-clock.ts';
import { isVirtualClock, VirtualClock } from '../../harness/clock/virtual-clock.ts';
import { FaultNetwork } from '../../harness/net/network.ts';
import type { Proxy } from '../../harness/net/proxy.ts';
import type { ToxicInput } from '../../harness/net/toxic-collection.ts';
import { Trace, type TraceEvent } from '../../harness/trace/trace.ts';
import { Rng } from '../../harness/util/rng.ts';
import { Client } from './client.ts';
import { SchedulerLag } from './scheduler-lag.ts';
import { startEcho } from './echo.ts';
import { memoryEcho, PipeNetwork } from './memory-pipe.ts';

export type ClockKind = 'virtual' | 'real';
export const CLOCKS: readonly ClockKind[] = ['virtual', 'real'];

/**
 * How late a real-clock event may be beyond the scheduler delay the world measured (SchedulerLag):
 * the few loop turns and loopback hops between a timer firing and its effect reaching the client.
 */
export const REAL_SLACK_MS = 150;

export interface WorldOptions {
  clock?: ClockKind;
  seed?: number;
  /** 'memory': the proxy dials in-memory echo ends and clients attach in memory (simulator mode). */
  upstream?: 'tcp' | 'memory';
}

/** A test connection through the proxy: the client end, plus the echo server's end of it. */
export type Conn = Client & { server: Duplex };

/**
 * One test's world: a clock (virtual or real), a trace, a fault network with one proxy ("echo")
 * in front of an echo server, and the clients the test opens. `close()` shuts the network down and
 * fails the test if any socket or in-memory end is still open afterwards.
 */
export class World {
  readonly trace: Trace;
  readonly network: FaultNetwork;
  /** The proxy "echo", in front of the echo server. */
  proxy!: Proxy;
  private readonly clients: Client[] = [];
  private readonly memoryServers: Duplex[] = [];
  private readonly seenServers = new Set<Duplex>();
  /** Real clock only: how late this process ran during the test, added to the upper bounds. */
  private readonly lag: SchedulerLag | undefined;

  private constructor(
    readonly clock: Clock,
    private readonly io: IoTracker,
    private readonly echo: Awaited<ReturnType<typeof startEcho>>,
    readonly pipes: PipeNetwork | undefined,
    seed: number,
  ) {
    this.trace = new Trace(clock);
    this.lag = clock instanceof RealClock ? new SchedulerLag().start() : undefined;
    this.network = new FaultNetwork({
      clock,
      rng: new Rng(seed),
      trace: this.trace.sink,
      dial: pipes ? () => this.dialMemory(pipes) : undefined,
    });
  }

  static async create(options: WorldOptions = {}): Promise<World> {
    const echo = await startEcho(); // before the clock: listening needs no time
    const virtual = (options.clock ?? 'virtual') === 'virtual' ? VirtualClock.install() : undefined;
    const clock = virtual ?? new RealClock();
    const io = virtual?.io ?? new IoTracker();
    io.start();
    const pipes = options.upstream === 'memory' ? new PipeNetwork() : undefined;
    if (pipes) io.addSource(pipes);
    const world = new World(clock, io, echo, pipes, options.seed ?? 1);
    world.proxy = await world.run(world.network.create({ name: 'echo', upstream: `127.0.0.1:${echo.port}` }));
    return world;
  }

  get virtual(): VirtualClock | undefined {
    return isVirtualClock(this.clock) ? this.clock : undefined;
  }

  now(): number {
    return this.clock.now();
  }

  /** Adds toxics to the proxy, in order. */
  toxics(...toxics: ToxicInput[]): this {
    for (const toxic of toxics) this.proxy.toxics.add(toxic);
    return this;
  }

  /**
   * Waits for `work`: on the virtual clock, driving virtual time while it is pending (a day at
   * most); on the real clock, with a watchdog so a broken toxic fails the test instead of hanging it.
   */
  run<T>(work: Promise<T>): Promise<T> {
    const virtual = this.virtual;
    if (virtual) return virtual.run(work, { limitMs: 24 * 3600_000 + 60_000, wallLimitMs: 15_000 });
    return new Promise<T>((resolve, reject) => {
      const watchdog = realTimers.setTimeout(() => reject(new Error('still waiting after 5 s of real time')), 5000);
      work.then(resolve, reject).finally(() => realTimers.clearTimeout(watchdog));
    });
  }

  /** Lets `ms` of this world's time pass (virtual: instantly, firing every timer due on the way). */
  async pass(ms: number): Promise<void> {
    const virtual = this.virtual;
    if (virtual) await virtual.advance(ms);
    else await this.clock.sleep(ms);
  }

  /**
   * A duration measured in this world: exactly `expected` on the virtual clock; on the real one never
   * early, and late by at most REAL_SLACK_MS plus the scheduler delay measured during the test.
   */
  expectMs(actual: number, expected: number): void {
    this.expectBetween(actual, expected, expected);
  }

  /** A duration that may vary (jitter): within [min, max] on the virtual clock; on the real one, late as expectMs allows. */
  expectBetween(actual: number, min: number, max: number): void {
    if (!this.lag) {
      expect(actual).toBeGreaterThanOrEqual(min);
      expect(actual).toBeLessThanOrEqual(max);
      return;
    }
    expect(actual).toBeGreaterThanOrEqual(min - 3); // libuv's cached loop time can fire a timer ~1 ms early
    expect(actual, `measured scheduler delay ${Math.round(this.lag.totalMs)} ms`).toBeLessThanOrEqual(max + REAL_SLACK_MS + this.lag.totalMs);
  }

  /** Trace events of one type. */
  events(type: string): TraceEvent[] {
    return this.trace.ofType(type);
  }

  /** Connects a client through `proxy` and waits until the echo server holds the other end. */
  async connect(proxy = this.proxy): Promise<Conn> {
    if (this.pipes) return this.attach(proxy);
    const client = this.open(proxy.listen.port);
    await this.run(new Promise<void>((resolve) => client.end.once('connect', () => resolve())));
    return this.pairWithServer(client, () => [...this.echo.sockets]);
  }

  /** Connects `n` clients at once and waits until all are connected (not paired with echo ends: they arrive in any order). */
  async connectMany(n: number, proxy = this.proxy): Promise<Client[]> {
    const clients = Array.from({ length: n }, () => this.open(proxy.listen.port));
    await this.run(Promise.all(clients.map((c) => new Promise((resolve) => c.end.once('connect', resolve)))));
    return clients;
  }

  /** Starts a TCP connect to `port` on 127.0.0.1 and returns its client at once, connected or not. */
  open(port: number): Client {
    return this.track(new Client(net.connect(port, '127.0.0.1'), this.clock));
  }

  /** Simulator mode: an in-memory client end attached to `proxy`, whose upstream is an in-memory echo. */
  async attach(proxy = this.proxy): Promise<Conn> {
    if (!this.pipes) throw new Error('attach() needs a world created with upstream: "memory"');
    const [app, proxySide] = this.pipes.pair();
    const client = this.track(new Client(app, this.clock));
    proxy.attach(proxySide);
    return this.pairWithServer(client, () => this.memoryServers);
  }

  /** Waits until `condition` holds: real I/O settles (virtual) or a few ms pass (real); fails after 3 s of real time. */
  async until(condition: () => boolean, what: string): Promise<void> {
    const deadline = realTimers.dateNow() + 3000;
    while (!condition()) {
      if (realTimers.dateNow() > deadline) throw new Error(`timed out waiting for ${what}`);
      const virtual = this.virtual;
      if (virtual) await virtual.settle();
      else await new Promise((resolve) => realTimers.setTimeout(resolve, 2));
    }
  }

  /** Sockets and in-memory ends still open. */
  openEnds(): Duplex[] {
    return [...this.io.openSockets(), ...(this.pipes?.openEnds() ?? [])];
  }

  /**
   * Closes the network (every proxy stops, every link closes both its ends), then checks that
   * every socket and in-memory end in the world is closed; cleans up whatever is left either way.
   */
  async close(): Promise<void> {
    let leaked: string[] = [];
    try {
      await this.run(this.network.close());
      await this.until(() => this.openEnds().length === 0, 'every socket to close').catch(() => {});
      leaked = this.openEnds().map(describeEnd);
    } finally {
      for (const end of this.openEnds()) end.destroy();
      for (const client of this.clients) client.end.destroy();
      await this.echo.close();
      this.io.stop();
      this.lag?.stop();
      this.virtual?.uninstall();
    }
    expect(leaked, 'sockets left open after network.close()').toEqual([]);
  }

  private track(client: Client): Client {
    this.clients.push(client);
    return client;
  }

  private async pairWithServer(client: Client, servers: () => Duplex[]): Promise<Conn> {
    let server: Duplex | undefined;
    await this.until(() => (server = servers().find((s) => !this.seenServers.has(s))) !== undefined, 'the echo server to accept');
    this.seenServers.add(server!);
    return Object.assign(client, { server: server! });
  }

  private dialMemory(pipes: PipeNetwork): Duplex {
    const [proxySide, echoSide] = pipes.pair();
    memoryEcho(echoSide);
    this.memoryServers.push(echoSide);
    return proxySide;
  }
}

function describeEnd(end: Duplex): string {
  return end instanceof net.Socket ? `socket ${end.localPort} -> ${end.remotePort}` : 'in-memory end';
}

/**
 * Declares the enclosed tests once per clock: `describe('on the virtual clock')` and `describe('on the
 * real clock')`. The virtual twin judges exactly; the real one checks the same behaviour on real
 * sockets and timers, where a loaded machine can stall the process for longer than a toxic's
 * timing, so it gets one retry (a broken toxic fails both tries, and its virtual twin too).
 */
export function forEachClock(body: (kind: ClockKind) => void): void {
  for (const kind of CLOCKS) describe(`on the ${kind} clock`, { retry: kind === 'real' ? 1 : 0 }, () => body(kind));
}

/** A fresh world for each test of the enclosing describe, closed (and leak-checked) after it. */
export function useWorld(options: WorldOptions | ClockKind = {}): () => World {
  const opts = typeof options === 'string' ? { clock: options } : options;
  let world: World | undefined;
  beforeEach(async () => {
    world = await World.create(opts);
  });
  afterEach(async () => {
    const w = world;
    world = undefined;
    await w?.close();
  });
  return () => {
    if (!world) throw new Error('useWorld(): the world exists only inside a test');
    return world;
  };
}

/** Runs `body` in a world of its own and closes it: for tests that compare two worlds (one virtual clock at a time). */
export async function withWorld<T>(options: WorldOptions, body: (world: World) => Promise<T>): Promise<T> {
  const world = await World.create(options);
  try {
    return await body(world);
  } finally {
    await world.close();
  }
}
