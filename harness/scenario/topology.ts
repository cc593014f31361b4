import type { HostPort } from '../net/address.ts';
import type { Host } from '../sim/host.ts';
import type { Nat } from '../sim/nat.ts';
import type { SimNetwork } from '../sim/network.ts';
import type { TraceSink } from '../trace/trace.ts';
import { natConfigFor, type NatSpec } from './nat-spec.ts';

/** The subject's addresses: a private one behind its NAT (RFC 1918), else one of TEST-NET-1 (RFC 5737). */
const SUBJECT_PRIVATE = '192.168.1.2';
const SUBJECT_PUBLIC = '192.0.2.2';
/** The NAT's public address, from TEST-NET-3 (RFC 5737). */
const NAT_PUBLIC = '203.0.113.1';

/** Where a run's subject lives on the simulated network, and what stands between it and the server. */
export interface SubjectPlace {
  host: Host;
  nat?: Nat;
  /** The address the subject dials: the server host's own, at the proxy's port. */
  target: HostPort;
}

/**
 * Puts the subject on a host of its own, behind the scenario's NAT if it has one; the proxy,
 * servers and the Toxiproxy API stay on the server host (the network's default host), and so does
 * everything flatline dials itself (the MQTT delivery recorder): none of it crosses the NAT.
 */
export function placeSubject(sim: SimNetwork, proxyPort: number, nat: NatSpec | undefined, trace: TraceSink): SubjectPlace {
  const config = nat === undefined ? undefined : natConfigFor(nat);
  // One mapping's refreshes are few enough to trace: the report marks them on the timeline.
  const middlebox = config && sim.addNat('subject-nat', NAT_PUBLIC, config, { traceRefreshes: true });
  // What the run's NAT is, for the verdicts (the timeout a keep-alive window is held against) and the report.
  if (config) trace('nat:subject-nat', 'nat.placed', { ...(typeof nat === 'string' && { profile: nat }), ...config });
  const host = middlebox ? sim.addHost('subject', SUBJECT_PRIVATE, { behind: middlebox }) : sim.addHost('subject', SUBJECT_PUBLIC);
  return { host, nat: middlebox, target: { host: sim.defaultHost.address, port: proxyPort } };
}
