import { realTimers } from '../../harness/clock/clock.ts';
import type { ClientAdapter } from '../../harness/clients/adapter.ts';
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
  const world = new World({ seed: o.seed ?? 1, network: o.network });
  const started = realTimers.performanceNow();
  try {
    const subject = findSubject(o.kind);
    const server = await world.act(async () => subject.createServer(world.serverContext('server'), { dedupe: false }));
    const proxy = await world.addServer(server);
    if (o.natMs) proxy.toxics.add({ type: 'nat_idle', attributes: { timeout: o.natMs } });
    if (o.latencyMs) {
      proxy.toxics.add({ type: 'latency', stream: 'upstream', attributes: { latency: o.latencyMs } });
      proxy.toxics.add({ type: 'latency', stream: 'downstream', attributes: { latency: o.latencyMs } });
    }
    const offsets: number[] = [];
    const clients: ClientAdapter[] = [];
    for (let i = 0; i < o.size; i++) {
      const offset = Math.floor(((o.spreadMs ?? 0) * i) / o.size);
      const client = world.addClient(subject.createClient(world.clientContext(`c${i}`), proxy.listen, o.options ?? {}));
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

function timeline(events: TraceEvent[], offset: number, span: number, name: string): string {
  return events
    .filter((e) => e.t - offset <= span)
    .map(({ t, source: _source, ...rest }) => `${t - offset} ${JSON.stringify(rest).replaceAll(name, '<client>')}`)
    .join('\n');
}
