import type { NatExpiry, NatIdleAttributes, NatRefresh } from '../net/toxics/nat-idle.ts';
import type { NatConfig } from '../sim/nat.ts';
import type { ExpirySemantics } from '../sim/nat-outcome.ts';
import { formatMs } from '../util/duration.ts';
import { FlatlineError } from '../util/errors.ts';

/**
 * The nat_idle toxic's words: `refresh` says which traffic restarts the idle timer (both, upstream =
 * client->server, downstream); `onExpiry` what happens after: drop silently, RST the client when it
 * next sends (reset), or RST both ends when a packet next crosses (reset_both).
 */
export type { NatExpiry, NatIdleAttributes, NatRefresh };

/**
 * How the profile's NAT behaves on the simulated network (harness/sim/nat.ts), with where each
 * choice comes from: what meets the inside host's next packet after expiry (`loose` pickup, an RST
 * from the NAT, or a drop/leak), the public port, what meets the outside host's next packet
 * (`filter`), and which packets refresh a mapping.
 */
export interface NatSemantics extends Omit<NatConfig, 'timeoutMs' | 'synTimeoutMs' | 'finTimeoutMs'> {
  sources: { inside: string; outside: string; port: string; refresh: string };
}

/** A NAT or middlebox with a published TCP idle timeout. */
export interface NatProfile {
  id: string;
  name: string;
  /** Established-TCP idle timeout. */
  idleTimeoutMs: number;
  /** The nat_idle toxic's words (kernel substrate, a real Toxiproxy): which direction refreshes. */
  refresh: NatRefresh;
  /** The nat_idle toxic's words: what happens after expiry. */
  onExpiry: NatExpiry;
  /** The same NAT on the simulated network, where it is a middlebox on the path. */
  sim: NatSemantics;
  /** Where the numbers come from (URL or citation). */
  source: string;
  /** Where the profile assumes more than the source says. */
  note?: string;
}

const MIN = 60_000;
const SEC = 1_000;
/** Sources rarely say which direction refreshes; TCP trackers (conntrack, cloud flows) count both. */
const REFRESH_ASSUMED = 'Which direction refreshes is not published; assumed both, as TCP connection trackers do.';
const WECHAT = 'WeChat Android team, "微信Android客户端后台保活经验分享" (InfoQ); table copied in halfrost/Halfrost-Field contents/Protocol/Advance_TCP.md';

/** Linux's own behaviour, for the profiles that are Linux (a home router, a Linux-based carrier NAT). */
const LINUX = {
  loose: 'Linux net/netfilter/nf_conntrack_proto_tcp.c: nf_conntrack_tcp_loose = 1 by default, "pick up already established connections" (Documentation/networking/nf_conntrack-sysctl.rst)',
  noFilter: 'No rule drops it: a packet for no conntrack entry is not de-NATed and reaches the router\'s own TCP stack, which answers RST (net/ipv4/tcp_ipv4.c tcp_v4_send_reset())',
  port: 'Masquerade keeps the source port when that tuple is free (net/netfilter/nf_nat_core.c get_unique_tuple(): "If it\'s in range and unique, use it")',
  refresh: 'Every packet of the connection, either direction, refreshes its timeout (nf_conntrack_proto_tcp.c nf_conntrack_tcp_packet() -> nf_ct_refresh_acct())',
  strict: 'nf_conntrack_tcp_loose = 0 and the rule `ct state invalid drop` (nftables wiki, "Matching connection tracking stateful metainformation"): a mid-stream packet with no entry is INVALID and dropped',
  filter: 'The same `ct state invalid drop` rule drops an inbound packet no entry owns',
};
/** What a profile assumes where its sources are silent. */
const ASSUMED = {
  silentInside: 'Not published; assumed silent: the next packet is dropped (no pickup, no RST), as the nat_idle "drop" mode assumes',
  silentOutside: 'Not published; assumed silent: an inbound packet with no mapping is dropped',
  randomPort: 'Not published; assumed a fresh public port per mapping, as carrier and cloud NATs allocate from a pool',
  refresh: 'Not published; assumed both directions, as TCP connection trackers do',
};
/** A NAT whose next packet after expiry, either way, is dropped: nobody is told. */
const silentDrop = (sources: Partial<NatSemantics['sources']> = {}): NatSemantics => ({
  loose: false,
  port: 'random',
  filter: true,
  refresh: 'both',
  sources: { inside: ASSUMED.silentInside, outside: ASSUMED.silentOutside, port: ASSUMED.randomPort, refresh: ASSUMED.refresh, ...sources },
});
const LINUX_CONNTRACK: NatSemantics = { loose: true, port: 'preserve', filter: false, refresh: 'both', sources: { inside: LINUX.loose, outside: LINUX.noFilter, port: LINUX.port, refresh: LINUX.refresh } };
const NLB_RST = 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html: a client or target that sends data after the idle timeout receives an RST';
const ALB_CLOSE = 'The balancer closes both connections itself at the timeout; the sim NAT has no close-at-expiry, so it answers whichever side sends next with RST (the detection time of a close at expiry is that of the next send)';
const AZURE_LB_DROP = 'https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-reset: "Load Balancer\'s default behavior is to silently drop flows when the idle timeout of a flow is reached"';
const AWS_NAT_RST = 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-comparison.html: "When a connection times out, a NAT gateway returns an RST packet to any resources behind the NAT gateway that attempt to continue the connection (it does not send a FIN packet)"';
const AZURE_NAT_RST = 'https://learn.microsoft.com/azure/nat-gateway/nat-gateway-resource (TCP reset): "A TCP reset packet is sent when a NAT gateway detects traffic on a connection flow that doesn\'t exist"; "TCP reset is uni-directional": only the sender gets it, from either side';

/** The built-in table (shared/reference/anchors.md section 4). */
export const NAT_PROFILES = [
  {
    id: 'cn-mobile-unicom',
    name: 'China Mobile 2G/3G, China Unicom 2G carrier NAT',
    idleTimeoutMs: 5 * MIN,
    refresh: 'both',
    onExpiry: 'drop',
    source: WECHAT,
    note: `The common Chinese carrier figure. Expiry behaviour not published; assumed silent. ${REFRESH_ASSUMED}`,
    sim: silentDrop(),
  },
  {
    id: 'cn-telecom-3g',
    name: 'China Telecom 3G carrier NAT',
    idleTimeoutMs: 28 * MIN,
    refresh: 'both',
    onExpiry: 'drop',
    source: WECHAT,
    note: `The table says "> 28 min"; 28 min is its lower bound. ${REFRESH_ASSUMED}`,
    sim: silentDrop(),
  },
  {
    id: 'aws-nat-gateway',
    name: 'AWS NAT Gateway',
    idleTimeoutMs: 350 * SEC,
    refresh: 'both',
    onExpiry: 'reset',
    source: 'https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html',
    note: 'Fixed. It sends no FIN; the inside host gets an RST when it next sends (a NAT instance sends a FIN instead).',
    sim: { ...silentDrop({ inside: AWS_NAT_RST }), resetInside: true },
  },
  {
    id: 'aws-nlb',
    name: 'AWS Network Load Balancer (TCP listener default)',
    idleTimeoutMs: 350 * SEC,
    refresh: 'both',
    onExpiry: 'reset',
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html',
    note: 'TCP listeners 60-6000 s, TLS fixed at 350 s. The page says only "the connection is closed"; modelled as an RST to whichever side sends next.',
    sim: { loose: false, port: 'preserve', filter: false, refresh: 'both', resetInside: true, sources: { inside: NLB_RST, outside: NLB_RST, port: 'An NLB keeps the client\'s address and port towards the target (client IP preservation); no translation to re-randomise', refresh: ASSUMED.refresh } },
  },
  {
    id: 'aws-alb',
    name: 'AWS Application Load Balancer (default)',
    idleTimeoutMs: 60 * SEC,
    refresh: 'both',
    onExpiry: 'reset_both',
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html',
    note: 'Configurable 1-4000 s; HTTP/2 PINGs do not reset it. The balancer closes both connections itself at the timeout; nat_idle has no close-at-expiry mode, so reset_both is the nearest.',
    sim: { loose: false, port: 'preserve', filter: false, refresh: 'both', resetInside: true, sources: { inside: ALB_CLOSE, outside: ALB_CLOSE, port: 'A proxy: each side has its own connection, no port is re-mapped', refresh: 'Idle means no data sent or received either way (edit-load-balancer-attributes.html, the source above)' } },
  },
  {
    id: 'azure-lb',
    name: 'Azure Load Balancer (default)',
    idleTimeoutMs: 4 * MIN,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-reset',
    note: 'Configurable 4-100 min. Silent drop by default; with "TCP reset on idle" enabled it sends RSTs both ways at the timeout (nearest mode: reset_both).',
    sim: silentDrop({ inside: AZURE_LB_DROP, outside: AZURE_LB_DROP }),
  },
  {
    id: 'azure-nat-gateway',
    name: 'Azure NAT Gateway (default)',
    idleTimeoutMs: 4 * MIN,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'learn.microsoft.com, Azure NAT Gateway resource property idleTimeoutInMinutes (default 4)',
    note: 'Configurable 4-120 min. Expiry behaviour not in the sources read; assumed silent.',
    sim: { ...silentDrop({ inside: AZURE_NAT_RST, outside: AZURE_NAT_RST }), filter: false, resetInside: true },
  },
  {
    id: 'gcp-cloud-nat',
    name: 'Google Cloud NAT (established TCP default)',
    idleTimeoutMs: 1200 * SEC,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'https://cloud.google.com/nat/docs (RouterNat tcpEstablishedIdleTimeoutSec, default 1200 s)',
    note: 'TCP transitory 30 s, UDP 30 s. Expiry behaviour not in the sources read; assumed silent.',
    sim: silentDrop({ port: 'Cloud NAT gives each VM a range of NAT source ports (RouterNat minPortsPerVm) and draws a mapping\'s port from it' }),
  },
  {
    id: 'linux-conntrack',
    name: 'Linux netfilter conntrack (tcp_timeout_established default)',
    idleTimeoutMs: 432_000 * SEC,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'Linux kernel Documentation/networking/nf_conntrack-sysctl.rst',
    note: '5 days; the entry is removed silently, and the next packet of the inside host re-creates it on the same port, so the connection goes on (nat_idle has no such mode; it plays "drop"). Home routers and many middleboxes run it with shorter settings.',
    sim: LINUX_CONNTRACK,
  },
  {
    id: 'linux-strict',
    name: 'Linux router with a strict firewall (no pickup, invalid dropped)',
    idleTimeoutMs: 432_000 * SEC,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'Linux kernel Documentation/networking/nf_conntrack-sysctl.rst (nf_conntrack_tcp_loose, nf_conntrack_tcp_timeout_established)',
    note: 'conntrack with nf_conntrack_tcp_loose = 0 and `ct state invalid drop`: after expiry every packet either way is dropped, so both ends retransmit until ETIMEDOUT.',
    sim: { loose: false, port: 'preserve', filter: true, refresh: 'both', sources: { inside: LINUX.strict, outside: LINUX.filter, port: LINUX.port, refresh: LINUX.refresh } },
  },
  {
    id: 'carrier-grade',
    name: 'Carrier-grade NAT on Linux (port randomised)',
    idleTimeoutMs: 5 * MIN,
    refresh: 'both',
    onExpiry: 'reset',
    source: `Timeout: the common carrier figure, ${WECHAT}. Port: nft(8) masquerade "random-fully"; RFC 6056 (port randomisation)`,
    note: 'conntrack picks the connection up after expiry but on a new public port, which the server does not know: its kernel answers RST, the client gets ECONNRESET a round trip later.',
    sim: { loose: true, port: 'random', filter: false, refresh: 'both', sources: { inside: LINUX.loose, outside: LINUX.noFilter, port: 'nft(8) masquerade flag "random-fully": the public port of each mapping is drawn at random (RFC 6056)', refresh: LINUX.refresh } },
  },
  {
    id: 'rfc5382-floor',
    name: 'RFC 5382 (BCP 142) minimum for established TCP',
    idleTimeoutMs: 7_440 * SEC,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'https://www.rfc-editor.org/rfc/rfc5382 REQ-5',
    note: '2 h 4 min: what a compliant NAT must keep at least (it MAY abandon the mapping afterwards).',
    sim: silentDrop(),
  },
  {
    id: 'nokia-2008',
    name: 'Nokia NAT measurements, 2008 (lower bound)',
    idleTimeoutMs: 30 * MIN,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'Eronen, "TCP Wake-Up", Nokia Research Center NRC-TR-2008-002 (summarised at blog.wirelessmoves.com, 2008-08)',
    note: `Measured 30-60 min for TCP; 30 min is the lower bound. ${REFRESH_ASSUMED}`,
    sim: silentDrop(),
  },
] as const satisfies readonly NatProfile[];

export type NatProfileId = (typeof NAT_PROFILES)[number]['id'];

/**
 * nat_idle's expiry actions as the NAT settings that give the client the same first outcome: what
 * the toxic plays on kernel sockets, and what a scenario's NAT in nat_idle's words is on the sim.
 */
export const NAT_IDLE_AS_CONNTRACK = {
  drop: { loose: false, port: 'random', filter: true },
  reset: { loose: false, port: 'random', filter: true, resetInside: true },
  reset_both: { loose: false, port: 'random', filter: false, resetInside: true },
} as const satisfies Record<NatExpiry, ExpirySemantics>;

/** The attributes of a `nat_idle` toxic that plays this profile. */
export function toNatIdleAttributes(profile: Pick<NatProfile, 'idleTimeoutMs' | 'refresh' | 'onExpiry'>): NatIdleAttributes {
  return { timeout: profile.idleTimeoutMs, refresh: profile.refresh, on_expiry: profile.onExpiry };
}

/** The sim NAT that plays this profile; `timeoutMs` overrides its established timeout. */
export function toNatConfig(profile: Pick<NatProfile, 'idleTimeoutMs' | 'sim'>, timeoutMs = profile.idleTimeoutMs): NatConfig {
  const { sources: _sources, ...semantics } = profile.sim;
  return { timeoutMs, ...semantics };
}

export function findProfile(id: string): NatProfile {
  const profile = NAT_PROFILES.find((p) => p.id === id);
  if (!profile) {
    throw new FlatlineError('FLATLINE_ERR_USAGE', `unknown NAT profile "${id}"; known profiles: ${NAT_PROFILES.map((p) => p.id).join(', ')}`);
  }
  return profile;
}

/** A network of the user's own (`flatline nat --nat 4m30s`): its id is the timeout as flatline writes it. */
export function customProfile(idleTimeoutMs: number): NatProfile {
  const id = formatMs(idleTimeoutMs);
  return {
    id,
    name: `NAT with a ${id} idle timeout`,
    idleTimeoutMs,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'given on the command line (--nat)',
    note: 'Assumed: traffic either way refreshes it, and it drops silently at expiry.',
    sim: silentDrop({ port: 'Not given; assumed a fresh public port per mapping' }),
  };
}

/** One of the built-in profiles (a scenario can name it by id), rather than a custom timeout. */
export const isBuiltInProfile = (profile: NatProfile): boolean => NAT_PROFILES.some((p) => p.id === profile.id);
