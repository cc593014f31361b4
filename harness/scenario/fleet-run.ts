import type { ClientAdapter } from '../clients/adapter.ts';
import { toServerCapacity } from '../fleet/capacity.ts';
import { fleetKinds, fleetMembers, type FleetMember } from '../fleet/members.ts';
import type { Host } from '../sim/host.ts';
import type { ReferenceServer } from '../servers/server.ts';
import { FlatlineError } from '../util/errors.ts';
import { applyFleetStep, type FleetTargets } from './fleet-steps.ts';
import type { FleetRoster } from './judge.ts';
import type { FleetScenario } from './scenario.ts';
import { findSubject } from './subjects.ts';
import { playTimeline } from './timeline.ts';
import type { World } from './world.ts';

/** Names inside a fleet's world: its server is "server" (one per kind in a mix: "server-<kind>"). */
const SERVER = 'server';

/**
 * On the simulated network a fleet's servers stand on a host of their own, as in a real
 * deployment: on the clients' host a fleet that wraps the ephemeral port range (28,232 ports,
 * 32768-60999) while the server is down would hand the server's own port to a client, which then
 * connects to itself.
 */
const SERVER_ADDRESS = '10.0.2.1';

/** Member i's own host on the simulated network: 10.100.0.1 onwards, 65,536 to each second octet. */
export function memberAddress(index: number): string {
  const n = index + 1;
  return `10.${100 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

export interface FleetRunOptions {
  mqttUrl?: string;
  /** A remote Toxiproxy: refused, since a fleet has no proxy for it to be. */
  remote?: { url: string };
}

/**
 * Builds a fleet's world and plays its timeline: one server per subject kind, every member a
 * client of its own (its own seeded stream, trace source "client:<kind>-<i>", on the simulated
 * network its own host) talking straight to its kind's server. Returns who the members are, for the herd check.
 */
export async function playFleet(w: World, scenario: FleetScenario, options: FleetRunOptions): Promise<{ roster: FleetRoster }> {
  if (options.remote) throw new FlatlineError('FLATLINE_ERR_USAGE', `a fleet talks to its servers directly, with no proxy for the Toxiproxy at ${options.remote.url} to be; run fleet scenarios without --toxiproxy`);
  const members = fleetMembers(scenario.fleet);
  const kinds = fleetKinds(scenario.fleet);
  const servers = new Map<string, ReferenceServer>();
  const serverHost = w.sim?.addHost('servers', SERVER_ADDRESS);
  const hosts = new Map<string, Host>();
  const { capacity, ...serverOptions } = scenario.server ?? {};
  if (capacity && !serverHost) throw new FlatlineError('FLATLINE_ERR_SCENARIO', "server.capacity models the server's accept queue on the simulated network; this fleet runs on kernel sockets (drop network.substrate \"kernel\" or --network kernel)");
  for (const kind of kinds) {
    const subject = findSubject(kind);
    const promises = subject.promises(kind === scenario.fleet.subject?.kind ? (scenario.fleet.subject.options ?? {}) : {});
    const name = kinds.length === 1 ? SERVER : `${SERVER}-${kind}`;
    const ctx = { ...w.serverContext(name), ...(w.sim && { host: SERVER_ADDRESS }) };
    const server = await w.act(async () => subject.createServer(ctx, { ...serverOptions, dedupe: serverOptions.dedupe ?? promises.guarantee === 'exactly-once', brokerUrl: options.mqttUrl }));
    await w.startServer(server);
    if (capacity) serverHost!.limitAccepts(server.port, toServerCapacity(capacity));
    servers.set(kind, server);
  }
  const clients = new Map<string, ClientAdapter>();
  for (const member of members) {
    const server = servers.get(member.kind)!;
    const target = { host: new URL(server.url).hostname, port: server.port };
    const create = () => findSubject(member.kind).createClient(w.clientContext(member.name), target, member.options);
    // Each member on a host of its own, as a fleet of devices is: its own ports, its own path.
    const host = w.sim?.addHost(`client-${member.index}`, memberAddress(member.index));
    if (host) hosts.set(member.name, host);
    clients.set(member.name, w.addClient(create, { host }));
  }
  const partition = (member: FleetMember, down: boolean) => {
    const host = hosts.get(member.name);
    if (!w.sim || !host || !serverHost) throw new FlatlineError('FLATLINE_ERR_SCENARIO', 'a partition step cuts paths of the simulated network; this fleet runs on kernel sockets (drop network.substrate "kernel" or --network kernel)');
    w.sim.path(host, serverHost).conditions.down = down;
    w.sim.path(serverHost, host).conditions.down = down;
  };
  const targets: FleetTargets = { members, clients, servers: [...servers.values()], rng: w.rng.fork('fleet'), partition };
  await playTimeline(w, scenario.timeline, (step) => applyFleetStep(w, step, targets));
  return { roster: new Map(members.map((m) => [m.name, m.kind])) };
}

