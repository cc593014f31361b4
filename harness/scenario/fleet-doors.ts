import type { FleetMember } from '../fleet/members.ts';
import type { DoorMode } from '../sim/host.ts';
import type { Endpoint } from '../sim/tcp/connection.ts';
import type { FleetPlaces } from './fleet-topology.ts';

/** A fleet's servers as doors of their host on the simulated network: whom they let in, whose connections they kill. */
export interface FleetDoors {
  /** Kills the connections of `members` (of everyone when undefined) at once, an RST to each; says how many. */
  resetConnections(members: readonly FleetMember[] | undefined): number;
  stopAccepting(mode: DoorMode): void;
  resumeAccepting(): void;
}

/** The doors of the servers listening on `ports` of the fleet's server host. */
export function fleetDoors(places: FleetPlaces, ports: readonly number[]): FleetDoors {
  const { serverHost } = places;
  return {
    resetConnections(members) {
      const peer = members && peerOf(places, members);
      return ports.reduce((n, port) => n + serverHost.abortConnections(port, peer), 0);
    },
    stopAccepting(mode) {
      for (const port of ports) serverHost.stopAccepting(port, mode);
    },
    resumeAccepting() {
      for (const port of ports) serverHost.resumeAccepting(port);
    },
  };
}

/**
 * Picks the connections of `members` by their remote end, as the servers see it: a member's own
 * address, or behind a NAT the NAT's address and the public port its mapping gives the member (a
 * connection whose mapping has expired is no one's the servers can name, so it lives on).
 */
function peerOf(places: FleetPlaces, members: readonly FleetMember[]): (remote: Endpoint) => boolean {
  const addresses = new Set(members.map((m) => places.hosts.get(m.name)!.address));
  const mapped = new Set<string>();
  for (const nat of places.nats) {
    for (const { privateAddress, publicPort } of nat.publicPorts()) if (addresses.has(privateAddress)) mapped.add(`${nat.address}:${publicPort}`);
  }
  return (remote) => addresses.has(remote.address) || mapped.has(`${remote.address}:${remote.port}`);
}
