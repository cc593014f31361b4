import { realTimers } from '../../harness/clock/clock.ts';
import type { ClientAdapter } from '../../harness/clients/adapter.ts';
import type { HostPort } from '../../harness/net/address.ts';
import type { ReferenceServer } from '../../harness/servers/server.ts';
import type { Host } from '../../harness/sim/host.ts';
import { findSubject } from '../../harness/scenario/subjects.ts';
import { World, type NetworkSubstrate } from '../../harness/scenario/world.ts';
import type { TraceEvent } from '../../harness/trace/trace.ts';

export interface CrowdOptions {
  /** A registered subject kind: tcp, ws, mqtt, mqttjs. */
  kind: string;
  size: number;
  network: NetworkSubstrate;
  horizonMs: number;
  /** Client i connects at i/size of this window, so the crowd is out of step as a real fleet is. */
  spreadMs?: number;
  natMs?: number;
  latencyMs?: number;
  seed?: number;
  options?: Record<string, unknown>;
  /**
   * Where the NAT and the latency are: toxics of a proxy in front of the server (both substrates;
   * default), or the simulated network's own (the crowd on a host behind a sim NAT, the latency on
   * the path between them, no proxy: what a sim world needs no proxy for).
   */
  faults?: 'proxy' | 'sim';
}

export interface CrowdResult {
  /** Per client: its trace events, timed from its own connect, without its name. */
  timelines: string[];
  events: number;
  wallMs: number;
}

/**
 * N identical clients of one subject behind one proxy (nat_idle and latency toxics), each starting
 * at its own offset: the shape of the determinism tests and the substrate benchmark. A client's
 * timeline is only its own story, so every client of a healthy crowd tells the lone client's.
 */
export async function runCrowd(o: CrowdOptions): Promise<CrowdResult> {
  const world = new World({ seed: o.seed ?? 1, network: o.network, serverHost: o.faults === 'sim' ? '0.0.0.0' : undefined });
  const started = realTimers.performanceNow();
  try {
    const subject = findSubject(o.kind);
    const server = await world.act(async () => subject.createServer(world.serverContext('server'), { dedupe: false }));
    const { target, host } = o.faults === 'sim' ? await simFaults(world, server, o) : await proxyFaults(world, server, o);
    const offsets: number[] = [];
    const clients: ClientAdapter[] = [];
    for (let i = 0; i < o.size; i++) {
      const offset = Math.floor(((o.spreadMs ?? 0) * i) / o.size);
      const client = world.addClient(() => subject.createClient(world.clientContext(`c${i}`), target, o.options ?? {}), { host });
      offsets.push(offset);
      clients.push(client);
      world.clock.setTimeout(() => client.connect(), offset);
    }
    await world.idle(o.horizonMs);
    const bySource = new Map<string, TraceEvent[]>();
    for (const e of world.trace.events) {
      const list = bySource.get(e.source);
      if (list) list.push(e);
      else bySource.set(e.source, [e]);
    }
    // Every client gets the same span of its own life: the horizon less the longest offset.
    const span = o.horizonMs - (offsets.at(-1) ?? 0);
    const timelines = clients.map((_, i) => timeline(bySource.get(`client:c${i}`) ?? [], offsets[i]!, span, `c${i}`));
    return { timelines, events: world.trace.events.length, wallMs: realTimers.performanceNow() - started };
  } finally {
    await world.close();
  }
}

/** nat_idle and latency toxics on a proxy in front of the server. */
async function proxyFaults(world: World, server: ReferenceServer, o: CrowdOptions): Promise<{ target: HostPort; host?: Host }> {
  const proxy = await world.addServer(server);
  if (o.natMs) proxy.toxics.add({ type: 'nat_idle', attributes: { timeout: o.natMs } });
  if (o.latencyMs) {
    proxy.toxics.add({ type: 'latency', stream: 'upstream', attributes: { latency: o.latencyMs } });
    proxy.toxics.add({ type: 'latency', stream: 'downstream', attributes: { latency: o.latencyMs } });
  }
  return { target: proxy.listen };
}

/** The crowd on one host behind a Linux-default sim NAT, the latency on the path to the server's host. */
async function simFaults(world: World, server: ReferenceServer, o: CrowdOptions): Promise<{ target: HostPort; host: Host }> {
  const sim = world.sim;
  if (!sim) throw new Error('faults: sim needs the simulated network');
  await world.startServer(server);
  const nat = sim.addNat('carrier', '203.0.113.1', { timeoutMs: o.natMs ?? 432_000_000, loose: true, port: 'preserve', filter: false, refresh: 'both' });
  const host = sim.addHost('phones', '192.168.0.2', { behind: nat });
  sim.path(nat, sim.defaultHost).conditions.latencyMs = o.latencyMs ?? 0;
  sim.path(sim.defaultHost, nat).conditions.latencyMs = o.latencyMs ?? 0;
  return { target: { host: sim.defaultHost.address, port: server.port }, host };
}

function timeline(events: TraceEvent[], offset: number, span: number, name: string): string {
  return events
    .filter((e) => e.t - offset <= span)
    .map(({ t, source: _source, ...rest }) => `${t - offset} ${JSON.stringify(rest).replaceAll(name, '<client>')}`)
    .join('\n');
}
