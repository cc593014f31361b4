import type { ClientAdapter, ClientContext } from '../../harness/clients/adapter.ts';
import { MqttReferenceClient, type MqttClientOptions } from '../../harness/clients/mqtt-client.ts';
import { MqttjsRawClient, type MqttjsProfile, type MqttjsRawOptions } from '../../harness/clients/mqttjs-raw.ts';
import { realTimers } from '../../harness/clock/clock.ts';
import { VirtualClock } from '../../harness/clock/virtual-clock.ts';
import { FaultNetwork } from '../../harness/net/network.ts';
import type { Proxy } from '../../harness/net/proxy.ts';
import { Trace, type TraceEvent } from '../../harness/trace/trace.ts';
import { MosquittoServer } from '../../harness/servers/mosquitto.ts';
import { MqttBroker } from '../../harness/servers/mqtt-broker.ts';
import type { ReferenceServer } from '../../harness/servers/server.ts';
import { Rng } from '../../harness/util/rng.ts';

export interface MqttWorldOptions {
  broker?: 'aedes' | 'mosquitto';
  seed?: number;
}

type Waiter = { match: (e: TraceEvent) => boolean; resolve: (e: TraceEvent) => void };

/**
 * One virtual-time MQTT world for tests: a broker (aedes or mosquitto), a proxy "broker" in front of
 * it, clients that connect through the proxy, and a trace that can be waited on.
 */
export class MqttWorld {
  readonly trace: Trace;
  private readonly clients: ClientAdapter[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly rng: Rng;
  readonly network: FaultNetwork;
  broker!: ReferenceServer;
  proxy!: Proxy;

  private constructor(
    readonly clock: VirtualClock,
    seed: number,
  ) {
    this.trace = new Trace(clock);
    this.rng = new Rng(seed);
    this.network = new FaultNetwork({ clock, rng: this.rng.fork('net'), trace: this.sink });
  }

  static async create(options: MqttWorldOptions = {}): Promise<MqttWorld> {
    // mosquitto answers in real time; on a busy machine 5 ms (the default) can pass before it does.
    const clock = VirtualClock.install(options.broker === 'mosquitto' ? { externalQuietMs: 25 } : {});
    const world = new MqttWorld(clock, options.seed ?? 1);
    const ctx = { clock: world.clock, trace: world.sink, name: 'broker' };
    // These tests judge only the client's own timers, which do run on the virtual clock.
    world.broker = options.broker === 'mosquitto' ? new MosquittoServer(ctx, { allowVirtualTime: true }) : new MqttBroker(ctx);
    await world.clock.run(() => world.broker.start());
    world.proxy = await world.clock.run(() => world.network.create({ name: 'broker', upstream: `127.0.0.1:${world.broker.port}` }));
    return world;
  }

  /** Where clients connect: the proxy. */
  get url(): string {
    return `mqtt://127.0.0.1:${this.proxy.listen.port}`;
  }

  context(name: string): ClientContext {
    return { name, clock: this.clock, trace: this.sink, rng: this.rng.fork(`client:${name}`) };
  }

  client(name: string, options: Omit<MqttClientOptions, 'url'> & { url?: string } = {}): MqttReferenceClient {
    return this.adopt(new MqttReferenceClient(this.context(name), { url: this.url, ...options }));
  }

  raw(name: string, options: Omit<MqttjsRawOptions, 'url'> = {}, profile: MqttjsProfile = {}): MqttjsRawClient {
    return this.adopt(new MqttjsRawClient(this.context(name), { url: this.url, ...options }, profile));
  }

  /**
   * Runs virtual time until an event matching `match` is traced; with `since` (trace time), an event
   * traced at or after it counts too, so a wait cannot miss what happened while the test was busy.
   */
  until(match: (e: TraceEvent) => boolean, options: { since?: number; limitMs?: number } = {}): Promise<TraceEvent> {
    const { since, limitMs = 86_400_000 } = options;
    const past = since === undefined ? undefined : this.trace.events.find((e) => e.t >= since && match(e));
    if (past) return Promise.resolve(past);
    return this.clock.run(new Promise<TraceEvent>((resolve) => this.waiters.add({ match, resolve })), { limitMs });
  }

  /**
   * Waits in real time, with virtual time standing still, until `client` traces an event of `type`:
   * the answer of a peer that lives on the real clock (mosquitto). Driving virtual time instead would
   * let it jump to the client's next deadline whenever the peer is slower than the clock's quiet
   * wait, as it is on a loaded machine, and the client would time out on an answer still on its way.
   */
  async answered(client: string, type: string, options: { since: number; wallMs?: number }): Promise<TraceEvent> {
    const { since, wallMs = 10_000 } = options;
    const match = (e: TraceEvent) => e.source === `client:${client}` && e.type === type && e.t >= since;
    const deadline = realTimers.dateNow() + wallMs;
    for (;;) {
      const seen = this.trace.events.find(match);
      if (seen) return seen;
      if (realTimers.dateNow() > deadline) throw new Error(`no ${type} from ${client} within ${wallMs} ms of real time`);
      await new Promise((resolve) => realTimers.setTimeout(resolve, 5));
      await this.clock.advance(0); // what arrived runs now, timers due at this instant included
    }
  }

  /** Runs until `client` traces an event of `type` (see until). */
  next(client: string, type: string, options?: { since?: number; limitMs?: number }): Promise<TraceEvent> {
    return this.until((e) => e.source === `client:${client}` && e.type === type, options);
  }

  /** Virtual ms since the trace began, the `t` of an event traced now. */
  get now(): number {
    return this.clock.now() - this.trace.origin;
  }

  events(client: string, type?: string): TraceEvent[] {
    return this.trace.of(`client:${client}`).filter((e) => type === undefined || e.type === type);
  }

  /** The line goes flat both ways; heal() brings it back. */
  cut(): void {
    this.proxy.toxics.add({ name: 'cut-up', type: 'blackhole', stream: 'upstream' });
    this.proxy.toxics.add({ name: 'cut-down', type: 'blackhole', stream: 'downstream' });
  }

  heal(): void {
    this.proxy.toxics.remove('cut-up');
    this.proxy.toxics.remove('cut-down');
  }

  /** Closes every client, the proxies and the broker, then uninstalls the clock. */
  async close(): Promise<void> {
    try {
      for (const client of this.clients) await this.clock.run(() => client.close());
      await this.clock.run(() => this.network.close());
      await this.clock.run(() => this.broker.close());
    } finally {
      this.clock.uninstall();
    }
  }

  private adopt<C extends ClientAdapter>(client: C): C {
    this.clients.push(client);
    return client;
  }

  /** The trace sink to hand to anything the test adds to the world: what it traces can be waited on. */
  readonly sink = (source: string, type: string, detail?: Record<string, unknown>): void => {
    this.trace.sink(source, type, detail);
    const event = this.trace.events.at(-1)!;
    for (const waiter of this.waiters) {
      if (!waiter.match(event)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(event);
    }
  };
}
