import { shareMembers, type FleetMember } from '../fleet/members.ts';
import type { Host } from '../sim/host.ts';
import { NAT_PUBLIC_PORTS, type Nat } from '../sim/nat.ts';
import { EPHEMERAL_PORT_FIRST } from '../sim/tcp/constants.ts';
import type { Rng } from '../util/rng.ts';
import type { SimNode } from '../sim/node.ts';
import type { SimNetwork } from '../sim/network.ts';
import type { TraceSink } from '../trace/trace.ts';
import { natConfigFor, type NatSpec } from './nat-spec.ts';
import type { FleetNetworkSpec } from './scenario.ts';

/**
 * On the simulated network a fleet's servers stand on a host of their own, as in a real
 * deployment: on the clients' host a fleet that wraps the ephemeral port range (28,232 ports,
 * 32768-60999) while the server is down would hand the server's own port to a client, which then
 * connects to itself.
 */
export const SERVER_ADDRESS = '10.0.2.1';

/** Member i's own host on the simulated network: 10.100.0.1 onwards, 65,536 to each second octet. */
export function memberAddress(index: number): string {
  const n = index + 1;
  return `10.${100 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/** NAT i's public address: 198.18.0.1 onwards, in the benchmarking range (RFC 2544, 198.18.0.0/15: 131,072 addresses). */
export function natAddress(index: number): string {
  const n = index + 1;
  return `198.${18 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

/** Where a fleet lives on the simulated network. */
export interface FleetPlaces {
  serverHost: Host;
  /** Each member's host, by client name. */
  hosts: Map<string, Host>;
  /** The NATs the members stand behind (none without network.nat). */
  nats: Nat[];
  /** The first hop of a member's packets: its NAT, or the server host itself. */
  hopOf(member: FleetMember): SimNode;
}

/** Members that stand behind NATs of one kind: a share of the fleet, or the members in no share. */
export interface NatGroup {
  /** The share, which names its NATs ("fleet-nat-mqttjs-0"); none for the members behind network.nat. */
  share?: string;
  nat: NatSpec;
  count: number;
  members: readonly FleetMember[];
}

/**
 * Who stands behind which NATs: the members in no share of `network.behind` behind network.nat's
 * `natCount` NATs, then each share behind its own. A percentage share is the same seeded members as
 * a step's share drawn from `rng`; a member two shares name stands behind the first.
 */
export function natGroups(network: FleetNetworkSpec | undefined, natCount: number, members: readonly FleetMember[], rng: Rng): NatGroup[] {
  const placed = new Set<string>();
  const shares = (network?.behind ?? []).map((b) => {
    const own = shareMembers(members, b.share, rng).filter((m) => !placed.has(m.name));
    for (const m of own) placed.add(m.name);
    return { share: b.share, nat: b.nat, count: b.nats ?? 1, members: own };
  });
  const rest = network?.nat === undefined ? [] : [{ nat: network.nat, count: natCount, members: members.filter((m) => !placed.has(m.name)) }];
  return [...rest, ...shares];
}

/**
 * Puts the servers on their host and every member on a host of its own, each group's members behind
 * its NATs, the j-th of a group behind its NAT j mod count (a carrier's gateways, or with one NAT per
 * member, every device behind its home router); the members of no group talk to the servers direct.
 */
export function placeFleet(sim: SimNetwork, members: readonly FleetMember[], groups: readonly NatGroup[], trace: TraceSink, rng: Rng): FleetPlaces {
  const serverHost = sim.addHost('servers', SERVER_ADDRESS);
  const nats: Nat[] = [];
  const natOf = new Map<string, Nat>();
  for (const group of groups) {
    const config = natConfigFor(group.nat);
    const name = group.share === undefined ? 'fleet-nat' : `fleet-nat-${group.share}`;
    const own = Array.from({ length: group.count }, (_, i) => sim.addNat(`${name}-${i}`, natAddress(nats.length + i), config));
    trace('fleet', 'fleet.nats.placed', { count: own.length, ...(group.share !== undefined && { share: group.share, members: group.members.length }), ...(typeof group.nat === 'string' && { profile: group.nat }), ...config });
    group.members.forEach((m, j) => natOf.set(m.name, own[j % own.length]!));
    for (const n of own) nats.push(n); // one NAT per member is 100,000: too many arguments for push(...own)
  }
  const hosts = new Map<string, Host>();
  // Behind a shared NAT, hosts that all counted their ports from 32768 would all ask it for the same
  // public port, which Linux's hashed port choice makes rare: each starts somewhere of its own.
  const ports = rng.fork('fleet:ports');
  for (const member of members) {
    const behind = natOf.get(member.name);
    const firstPort = behind ? EPHEMERAL_PORT_FIRST + ports.int(0, NAT_PUBLIC_PORTS - 1) : undefined;
    hosts.set(member.name, sim.addHost(`client-${member.index}`, memberAddress(member.index), { behind, firstPort }));
  }
  return { serverHost, hosts, nats, hopOf: (member) => natOf.get(member.name) ?? serverHost };
}
