import type { ClientAdapter } from '../clients/adapter.ts';
import { toServerCapacity } from '../fleet/capacity.ts';
import { fleetKinds, fleetMembers, type FleetMember } from '../fleet/members.ts';
import type { ReferenceServer } from '../servers/server.ts';
import { FlatlineError } from '../util/errors.ts';
import { fleetDoors } from './fleet-doors.ts';
import { applyFleetStep, type FleetTargets } from './fleet-steps.ts';
import type { FleetRoster } from './judge.ts';
import type { FleetScenario } from './scenario.ts';
import { natGroups, placeFleet, SERVER_ADDRESS } from './fleet-topology.ts';
import { natProblems } from './validate.ts';
import { findSubject } from './subjects.ts';
import { playTimeline } from './timeline.ts';
import type { World } from './world.ts';

/** Names inside a fleet's world: its server is "server" (one per kind in a mix: "server-<kind>"). */
const SERVER = 'server';

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
  const { capacity, ...serverOptions } = scenario.server ?? {};
  const nat = scenario.network?.nat;
  const behind = scenario.network?.behind;
  if (!w.sim && (capacity || nat !== undefined || behind)) {
    const field = capacity ? "server.capacity models the server's accept queue" : `${behind ? 'network.behind' : 'network.nat'} puts the members behind NATs`;
    throw new FlatlineError('FLATLINE_ERR_SCENARIO', `${field} on the simulated network; this fleet runs on kernel sockets (drop network.substrate "kernel" or --network kernel)`);
  }
  const shares = w.rng.fork('fleet');
  const groups = natGroups(scenario.network, scenario.fleet.nats ?? 1, members, shares);
  const places = w.sim && natProblems(() => placeFleet(w.sim!, members, groups, w.trace.sink, w.rng), 'network.nat');
  for (const kind of kinds) {
    const subject = findSubject(kind);
    const promises = subject.promises(kind === scenario.fleet.subject?.kind ? (scenario.fleet.subject.options ?? {}) : {});
    const name = kinds.length === 1 ? SERVER : `${SERVER}-${kind}`;
    const ctx = { ...w.serverContext(name), ...(places && { host: SERVER_ADDRESS }) };
    const server = await w.act(async () => subject.createServer(ctx, { ...serverOptions, dedupe: serverOptions.dedupe ?? promises.guarantee === 'exactly-once', brokerUrl: options.mqttUrl }));
    await w.startServer(server);
    if (capacity) places!.serverHost.limitAccepts(server.port, toServerCapacity(capacity));
    servers.set(kind, server);
  }
  const clients = new Map<string, ClientAdapter>();
  for (const member of members) {
    const server = servers.get(member.kind)!;
    const target = { host: new URL(server.url).hostname, port: server.port };
    const create = () => findSubject(member.kind).createClient(w.clientContext(member.name), target, member.options);
    // Each member on a host of its own, as a fleet of devices is: its own ports, its own path.
    clients.set(member.name, w.addClient(create, { host: places?.hosts.get(member.name) }));
  }
  const partition = (member: FleetMember, down: boolean) => {
    if (!w.sim || !places) throw new FlatlineError('FLATLINE_ERR_SCENARIO', 'a partition step cuts paths of the simulated network; this fleet runs on kernel sockets (drop network.substrate "kernel" or --network kernel)');
    // the member's own link: to its NAT, or straight to the servers
    const host = places.hosts.get(member.name)!;
    w.sim.path(host, places.hopOf(member)).conditions.down = down;
    w.sim.path(places.hopOf(member), host).conditions.down = down;
  };
  const flushNats = () => {
    const nats = places?.nats ?? [];
    if (nats.length === 0) throw new FlatlineError('FLATLINE_ERR_SCENARIO', 'nat-flush: the fleet stands behind no NAT; give it network.nat or network.behind');
    w.trace.sink('fleet', 'nat.flushed', { nats: nats.length, mappings: nats.reduce((n, nat) => n + nat.mappings, 0) });
    for (const nat of nats) nat.flush();
  };
  const failover = async (gapMs: number) => {
    if (!places) throw new FlatlineError('FLATLINE_ERR_SCENARIO', 'failover moves an address of the simulated network; this fleet runs on kernel sockets (drop network.substrate "kernel" or --network kernel)');
    const { serverHost } = places;
    w.trace.sink('fleet', 'server.failover', { servers: servers.size, gapMs });
    // The primary dies with its state; the standby takes the address with none of it: its kernel
    // knows no connection (each member's next packet meets an RST) and its servers start afresh.
    serverHost.forget();
    for (const server of servers.values()) await server.stop('crash');
    const takeOver = async () => {
      serverHost.goUnanswered(false);
      for (const server of servers.values()) await server.start();
      w.trace.sink('fleet', 'server.takeover', { servers: servers.size });
    };
    if (gapMs === 0) return takeOver();
    // Until the takeover no machine owns the address: packets to it vanish, SYNs are sent again on their timer.
    serverHost.goUnanswered(true);
    w.clock.setTimeout(() => takeOver().catch((err: Error) => w.abort(err)), gapMs);
  };
  const doors = places && fleetDoors(places, [...servers.values()].map((s) => s.port));
  const targets: FleetTargets = { members, clients, servers: [...servers.values()], rng: shares, partition, flushNats, failover, doors };
  await playTimeline(w, scenario.timeline, (step) => applyFleetStep(w, step, targets));
  return { roster: new Map(members.map((m) => [m.name, m.kind])) };
}

