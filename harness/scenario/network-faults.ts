import type { HostPort } from '../net/address.ts';
import type { Host } from '../sim/host.ts';
import type { Nat } from '../sim/nat.ts';
import type { SimNetwork } from '../sim/network.ts';
import type { Path, PathConditions } from '../sim/path.ts';
import type { TraceSink } from '../trace/trace.ts';
import { FlatlineError } from '../util/errors.ts';
import type { DoorMode } from '../sim/host.ts';

/** Toxiproxy's words for the two directions: upstream is subject -> server, downstream server -> subject. */
export type PathDirection = 'both' | 'upstream' | 'downstream';

/**
 * Faults below the proxy's byte stream, on the simulated network, where TCP reacts to them as it
 * would in reality: the path between the subject and the server (partition, loss, latency,
 * bandwidth), the server's host (it stops accepting, it kills every connection), the subject's NAT.
 */
export interface NetworkFaults {
  partition(direction: PathDirection): void;
  /** Every path fault ends: the path is as it was when the run began. */
  heal(): void;
  setPath(direction: PathDirection, changes: Partial<Omit<PathConditions, 'down'>>): void;
  stopAccepting(mode: DoorMode): void;
  resumeAccepting(): void;
  resetConnections(): void;
  flushNat(): void;
}

/** Where a world's network faults act: the subject's side of the path, the server's door, the NAT if any. */
export interface NetworkFaultPlaces {
  network: SimNetwork;
  /** The subject's host and the first node its packets meet (its NAT, or the server host). */
  subject: Host;
  /** The host and address the subject dials (the proxy in front of the server). */
  server: Host;
  door: HostPort;
  nat?: Nat;
  trace: TraceSink;
}

const SOURCE = 'network';

/**
 * Network faults on the simulated network. Path faults act on the subject's access link (its host
 * to the first hop, and back), so a NAT beyond it sees a partition as silence, as a phone that
 * lost its signal; host faults act on the server host's listener the subject dials.
 */
export function simNetworkFaults(places: NetworkFaultPlaces): NetworkFaults {
  const { network, subject, server, door, nat, trace } = places;
  const firstHop = nat ?? server;
  const paths = (direction: PathDirection): Path[] => {
    if (firstHop === subject) throw new FlatlineError('FLATLINE_ERR_SCENARIO', 'a path fault needs the subject on a host of its own; in this world it shares the server\'s');
    const up = network.path(subject, firstHop);
    const down = network.path(firstHop, subject);
    return direction === 'both' ? [up, down] : direction === 'upstream' ? [up] : [down];
  };
  let initial: Map<Path, PathConditions> | undefined;
  const remember = () => (initial ??= new Map(paths('both').map((p) => [p, { ...p.conditions }])));
  return {
    partition(direction) {
      remember();
      for (const p of paths(direction)) p.conditions.down = true;
      trace(SOURCE, 'path.partitioned', { direction });
    },
    heal() {
      for (const [p, conditions] of remember()) Object.assign(p.conditions, conditions);
      trace(SOURCE, 'path.healed', {});
    },
    setPath(direction, changes) {
      remember();
      for (const p of paths(direction)) Object.assign(p.conditions, changes);
      trace(SOURCE, 'path.changed', { direction, ...changes });
    },
    stopAccepting(mode) {
      server.stopAccepting(door.port, mode);
      trace(SOURCE, 'server.accepting.stopped', { mode });
    },
    resumeAccepting() {
      server.resumeAccepting(door.port);
      trace(SOURCE, 'server.accepting.resumed', {});
    },
    resetConnections() {
      const count = server.abortConnections(door.port);
      trace(SOURCE, 'server.connections.reset', { count });
    },
    flushNat() {
      if (!nat) throw new FlatlineError('FLATLINE_ERR_SCENARIO', 'nat-flush: the scenario has no NAT; give it network.nat');
      trace(SOURCE, 'nat.flushed', { mappings: nat.mappings });
      nat.flush();
    },
  };
}
