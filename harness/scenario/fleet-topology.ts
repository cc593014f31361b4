import type { FleetMember } from '../fleet/members.ts';
import type { Host } from '../sim/host.ts';
import { NAT_PUBLIC_PORTS, type Nat } from '../sim/nat.ts';
import { EPHEMERAL_PORT_FIRST } from '../sim/tcp/constants.ts';
import type { Rng } from '../util/rng.ts';
import type { SimNode } from '../sim/node.ts';
import type { SimNetwork } from '../sim/network.ts';
import type { TraceSink } from '../trace/trace.ts';
import { natConfigFor, type NatSpec } from './nat-spec.ts';

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

/**
 * Puts the servers on their host and every member on a host of its own. With a NAT spec, the
 * members stand behind `natCount` NATs of that kind, member i behind NAT i mod natCount (a
 * carrier's gateways, or with one NAT per member, every device behind its home router).
 */
export function placeFleet(sim: SimNetwork, members: readonly FleetMember[], nat: NatSpec | undefined, natCount: number, trace: TraceSink, rng: Rng): FleetPlaces {
  const serverHost = sim.addHost('servers', SERVER_ADDRESS);
  const config = nat === undefined ? undefined : natConfigFor(nat);
  const nats = config ? Array.from({ length: natCount }, (_, i) => sim.addNat(`fleet-nat-${i}`, natAddress(i), config)) : [];
  if (config) trace('fleet', 'fleet.nats.placed', { count: nats.length, ...(typeof nat === 'string' && { profile: nat }), ...config });
  const natOf = (member: FleetMember) => (nats.length > 0 ? nats[member.index % nats.length] : undefined);
  const hosts = new Map<string, Host>();
  // Behind a shared NAT, hosts that all counted their ports from 32768 would all ask it for the same
  // public port, which Linux's hashed port choice makes rare: each starts somewhere of its own.
  const ports = rng.fork('fleet:ports');
  for (const member of members) {
    const behind = natOf(member);
    const firstPort = behind ? EPHEMERAL_PORT_FIRST + ports.int(0, NAT_PUBLIC_PORTS - 1) : undefined;
    hosts.set(member.name, sim.addHost(`client-${member.index}`, memberAddress(member.index), { behind, firstPort }));
  }
  return { serverHost, hosts, nats, hopOf: (member) => natOf(member) ?? serverHost };
}
