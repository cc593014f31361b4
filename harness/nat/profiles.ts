import type { NatExpiry, NatIdleAttributes, NatRefresh } from '../net/toxics/nat-idle.ts';
import { formatMs } from '../util/duration.ts';
import { FlatlineError } from '../util/errors.ts';

/**
 * The nat_idle toxic's words: `refresh` says which traffic restarts the idle timer (both, upstream =
 * client->server, downstream); `onExpiry` what happens after: drop silently, RST the client when it
 * next sends (reset), or RST both ends when a packet next crosses (reset_both).
 */
export type { NatExpiry, NatIdleAttributes, NatRefresh };

/** A NAT or middlebox with a published TCP idle timeout. */
export interface NatProfile {
  id: string;
  name: string;
  /** Established-TCP idle timeout. */
  idleTimeoutMs: number;
  refresh: NatRefresh;
  onExpiry: NatExpiry;
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
  },
  {
    id: 'cn-telecom-3g',
    name: 'China Telecom 3G carrier NAT',
    idleTimeoutMs: 28 * MIN,
    refresh: 'both',
    onExpiry: 'drop',
    source: WECHAT,
    note: `The table says "> 28 min"; 28 min is its lower bound. ${REFRESH_ASSUMED}`,
  },
  {
    id: 'aws-nat-gateway',
    name: 'AWS NAT Gateway',
    idleTimeoutMs: 350 * SEC,
    refresh: 'both',
    onExpiry: 'reset',
    source: 'https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-troubleshooting.html',
    note: 'Fixed. It sends no FIN; the inside host gets an RST when it next sends (a NAT instance sends a FIN instead).',
  },
  {
    id: 'aws-nlb',
    name: 'AWS Network Load Balancer (TCP listener default)',
    idleTimeoutMs: 350 * SEC,
    refresh: 'both',
    onExpiry: 'reset',
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/network/update-idle-timeout.html',
    note: 'TCP listeners 60-6000 s, TLS fixed at 350 s. The page says only "the connection is closed"; modelled as an RST to whichever side sends next.',
  },
  {
    id: 'aws-alb',
    name: 'AWS Application Load Balancer (default)',
    idleTimeoutMs: 60 * SEC,
    refresh: 'both',
    onExpiry: 'reset_both',
    source: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html',
    note: 'Configurable 1-4000 s; HTTP/2 PINGs do not reset it. The balancer closes both connections itself at the timeout; nat_idle has no close-at-expiry mode, so reset_both is the nearest.',
  },
  {
    id: 'azure-lb',
    name: 'Azure Load Balancer (default)',
    idleTimeoutMs: 4 * MIN,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'https://learn.microsoft.com/azure/load-balancer/load-balancer-tcp-reset',
    note: 'Configurable 4-100 min. Silent drop by default; with "TCP reset on idle" enabled it sends RSTs both ways at the timeout (nearest mode: reset_both).',
  },
  {
    id: 'azure-nat-gateway',
    name: 'Azure NAT Gateway (default)',
    idleTimeoutMs: 4 * MIN,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'learn.microsoft.com, Azure NAT Gateway resource property idleTimeoutInMinutes (default 4)',
    note: 'Configurable 4-120 min. Expiry behaviour not in the sources read; assumed silent.',
  },
  {
    id: 'gcp-cloud-nat',
    name: 'Google Cloud NAT (established TCP default)',
    idleTimeoutMs: 1200 * SEC,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'https://cloud.google.com/nat/docs (RouterNat tcpEstablishedIdleTimeoutSec, default 1200 s)',
    note: 'TCP transitory 30 s, UDP 30 s. Expiry behaviour not in the sources read; assumed silent.',
  },
  {
    id: 'linux-conntrack',
    name: 'Linux netfilter conntrack (tcp_timeout_established default)',
    idleTimeoutMs: 432_000 * SEC,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'Linux kernel Documentation/networking/nf_conntrack-sysctl.rst',
    note: '5 days; the entry is removed silently. Home routers and many middleboxes run it with shorter settings.',
  },
  {
    id: 'rfc5382-floor',
    name: 'RFC 5382 (BCP 142) minimum for established TCP',
    idleTimeoutMs: 7_440 * SEC,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'https://www.rfc-editor.org/rfc/rfc5382 REQ-5',
    note: '2 h 4 min: what a compliant NAT must keep at least (it MAY abandon the mapping afterwards).',
  },
  {
    id: 'nokia-2008',
    name: 'Nokia NAT measurements, 2008 (lower bound)',
    idleTimeoutMs: 30 * MIN,
    refresh: 'both',
    onExpiry: 'drop',
    source: 'Eronen, "TCP Wake-Up", Nokia Research Center NRC-TR-2008-002 (summarised at blog.wirelessmoves.com, 2008-08)',
    note: `Measured 30-60 min for TCP; 30 min is the lower bound. ${REFRESH_ASSUMED}`,
  },
] as const satisfies readonly NatProfile[];

export type NatProfileId = (typeof NAT_PROFILES)[number]['id'];

/** The attributes of a `nat_idle` toxic that plays this profile. */
export function toNatIdleAttributes(profile: Pick<NatProfile, 'idleTimeoutMs' | 'refresh' | 'onExpiry'>): NatIdleAttributes {
  return { timeout: profile.idleTimeoutMs, refresh: profile.refresh, on_expiry: profile.onExpiry };
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
  };
}

/** One of the built-in profiles (a scenario can name it by id), rather than a custom timeout. */
export const isBuiltInProfile = (profile: NatProfile): boolean => NAT_PROFILES.some((p) => p.id === profile.id);
