import { Toxiproxy } from 'toxiproxy-node-client';
import { startApiServer } from '../net/api/server.ts';
import { parseHostPort, type HostPort } from '../net/address.ts';
import type { ToxicInput } from '../net/toxic-collection.ts';
import type { ReferenceServer } from '../servers/server.ts';
import { ToxiproxyFaults, type FaultBackend } from './faults.ts';
import type { World } from './world.ts';

/** Where the subject connects, how faults reach the network, and how to take it all down. */
export interface FaultSetup {
  target: HostPort;
  faults: FaultBackend;
  close(): Promise<void>;
}

/** A remote Toxiproxy (a real one, or `flatline toxiproxy` standing in for it). */
export interface RemoteToxiproxy {
  url: string;
  /** How the Toxiproxy reaches flatline's servers (default 127.0.0.1; a service name under docker compose). */
  upstreamHost?: string;
}

/** Toxics Toxiproxy lacks: flatline emulates them in a local proxy in front of the remote one. */
export const EMULATED_TOXICS: ReadonlySet<string> = new Set(['nat_idle', 'half_open', 'blackhole']);

/** Names the proxy `name` in front of `server`, on the embedded network, driven through its own Toxiproxy API. */
export async function embeddedFaults(world: World, server: ReferenceServer, name: string): Promise<FaultSetup> {
  const proxy = await world.addServer(server, name);
  const api = await world.act(() => startApiServer({ network: world.network, port: 0 }));
  return { target: proxy.listen, faults: new ToxiproxyFaults(api.url), close: () => api.close() };
}

/**
 * subject -> local flatline proxy (emulated toxics, on the world's clock) -> remote Toxiproxy
 * proxy (Toxiproxy's own toxics, durations scaled to real time) -> server.
 */
export async function remoteFaults(world: World, server: ReferenceServer, name: string, remote: RemoteToxiproxy): Promise<FaultSetup> {
  await world.startServer(server);
  const client = new Toxiproxy(remote.url);
  const remoteName = `flatline_${process.pid}_${++remoteCount}`; // a shared Toxiproxy may serve several runs at once
  const listenHost = new URL(remote.url).hostname;
  const created = await client.createProxy({ name: remoteName, listen: `${listenHost === 'localhost' ? '127.0.0.1' : '0.0.0.0'}:0`, upstream: `${remote.upstreamHost ?? '127.0.0.1'}:${server.port}`, enabled: true });
  const remoteListen = parseHostPort(created.listen, 'the remote proxy listen address');
  const remoteTarget = { host: listenHost, port: remoteListen.port };
  const local = await world.act(() => world.network.create({ name, listen: '127.0.0.1:0', upstream: `${remoteTarget.host}:${remoteTarget.port}` }));
  const upstream = new ToxiproxyFaults(remote.url);
  const scale = world.scale ?? 1;
  const trace = (type: string, detail: Record<string, unknown>) => world.trace.sink(`proxy:${name}`, type, detail);
  const faults: FaultBackend = {
    async addToxic(_proxy, toxic) {
      if (EMULATED_TOXICS.has(toxic.type ?? '')) return void local.toxics.add(toxic);
      await upstream.addToxic(remoteName, scaleToxic(toxic, scale));
      trace('toxic.added', { toxic: toxic.name ?? `${toxic.type}_${toxic.stream ?? 'downstream'}`, toxicType: toxic.type, stream: toxic.stream ?? 'downstream', attributes: toxic.attributes ?? {} });
    },
    async removeToxic(_proxy, toxicName) {
      if (local.toxics.list().some((t) => t.spec.name === toxicName)) return local.toxics.remove(toxicName);
      await upstream.removeToxic(remoteName, toxicName);
      trace('toxic.removed', { toxic: toxicName });
    },
    setEnabled: (_proxy, enabled) => upstream.setEnabled(remoteName, enabled),
  };
  return {
    target: local.listen,
    faults,
    close: async () => {
      await (await client.get(remoteName)).remove().catch(() => {});
    },
  };
}

let remoteCount = 0;

/** Attribute names that hold milliseconds, per Toxiproxy toxic (slicer's delay is in µs, scaled alike). */
const DURATIONS: Record<string, readonly string[]> = {
  latency: ['latency', 'jitter'],
  slow_close: ['delay'],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
  slicer: ['delay'],
};

/**
 * A toxic for a Toxiproxy that runs in real time while the scenario runs at `scale`: durations
 * shrink by the scale and bandwidth grows by it, so the toxic means the same in scenario time.
 */
export function scaleToxic(toxic: ToxicInput, scale: number): ToxicInput {
  if (scale === 1) return toxic;
  const attributes = { ...toxic.attributes };
  for (const key of DURATIONS[toxic.type ?? ''] ?? []) {
    if (typeof attributes[key] === 'number') attributes[key] = Math.round((attributes[key] as number) * scale);
  }
  if (toxic.type === 'bandwidth' && typeof attributes.rate === 'number') attributes.rate = Math.round((attributes.rate as number) / scale);
  return { ...toxic, attributes };
}
