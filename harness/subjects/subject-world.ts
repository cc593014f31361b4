import { expect } from 'vitest';
import { realTimers } from '../clock/clock.ts';
import { reconnectHistory, type ReconnectEpisode } from '../checks/reconnects.ts';
import type { ClientAdapter } from '../clients/adapter.ts';
import type { Proxy } from '../net/proxy.ts';
import type { TraceEvent } from '../trace/trace.ts';
import type { ServerSpec } from '../scenario/scenario.ts';
import { findSubject } from '../scenario/subjects.ts';
import { World } from '../scenario/world.ts';
import type { ReferenceServer } from '../servers/server.ts';
import './index.ts';

export const S = 1000;
export const MIN = 60 * S;

/** One subject behind the embedded proxy in a virtual world, as its tests drive it. */
export interface SubjectWorld {
  world: World;
  server: ReferenceServer;
  proxy: Proxy;
  client: ClientAdapter;
  /** The client's events of one type. */
  events(type: string): TraceEvent[];
  /** Drops everything both ways (toxics "bh_up" and "bh_down"). */
  blackhole(): void;
  heal(): void;
  /** Crashes the server and starts it again `downMs` later; resolves with the restart time. */
  restartAfter(downMs: number): Promise<number>;
  /**
   * The server vanishes without a FIN (a half_open toxic "vanish", then a crash behind it), comes
   * back `downMs` later behind the same silence, and `thenMs` more pass.
   */
  vanish(downMs: number, thenMs: number): Promise<void>;
  /** Closes the world and fails if a TCP socket or listener outlived it. */
  close(): Promise<void>;
}

const tcpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap').length;

export interface SubjectWorldOptions {
  seed?: number;
  /** Call connect() at once. Default true. */
  connect?: boolean;
  /** What the subject's server is created with, besides `dedupe: false` (e.g. an XMPP server's accounts). */
  server?: Partial<ServerSpec> & Record<string, unknown>;
}

/** Builds the world of subject `kind`: its server behind the embedded proxy, and its client "c1". */
export async function subjectWorld(kind: string, { seed = 1, connect = true, server: spec = {} }: SubjectWorldOptions = {}): Promise<SubjectWorld> {
  const before = tcpHandles();
  const subject = findSubject(kind);
  const world = new World({ seed });
  const server = await world.act(async () => subject.createServer(world.serverContext('srv'), { dedupe: false, ...spec }));
  const proxy = await world.addServer(server);
  const client = world.addClient(subject.createClient(world.clientContext('c1'), proxy.listen, {}));
  if (connect) client.connect();
  return {
    world,
    server,
    proxy,
    client,
    events: (type) => world.trace.of('client:c1').filter((e) => e.type === type),
    blackhole: () => {
      proxy.toxics.add({ name: 'bh_up', type: 'blackhole', stream: 'upstream' });
      proxy.toxics.add({ name: 'bh_down', type: 'blackhole', stream: 'downstream' });
    },
    heal: () => {
      proxy.toxics.remove('bh_up');
      proxy.toxics.remove('bh_down');
    },
    restartAfter: async (downMs) => {
      await world.act(() => server.stop('crash'));
      await world.idle(downMs);
      await world.act(() => server.start());
      return world.elapsed();
    },
    vanish: async (downMs, thenMs) => {
      proxy.toxics.add({ name: 'vanish', type: 'half_open' });
      await world.act(() => server.stop('crash'));
      await world.idle(downMs);
      await world.act(() => server.start());
      await world.idle(thenMs);
    },
    close: async () => {
      await world.close();
      const deadline = realTimers.dateNow() + 2000;
      while (tcpHandles() > before && realTimers.dateNow() < deadline) await new Promise((resolve) => realTimers.setTimeout(resolve, 5));
      expect(tcpHandles(), 'TCP sockets or listeners left open after the world closed').toBe(before);
    },
  };
}

/** The client's outages as the backoff check sees them: per attempt, the measured wait and the announced one. */
export function outages(sw: SubjectWorld, stableMs = 0): ReconnectEpisode[] {
  return reconnectHistory(sw.world.trace.events, 'client:c1', { stableMs }).episodes;
}

/** Runs virtual time until `condition` holds, in steps of `stepMs`, for at most `limitMs`. */
export async function idleUntil(sw: SubjectWorld, condition: () => boolean, limitMs: number, stepMs = 100): Promise<void> {
  for (let waited = 0; !condition(); waited += stepMs) {
    if (waited >= limitMs) throw new Error(`condition not met within ${limitMs} ms of virtual time`);
    await sw.world.idle(stepMs);
  }
}
