import type { NatConfig } from './nat.ts';

/** The settings that decide what a forgotten connection's next packet meets. */
export type ExpirySemantics = Pick<NatConfig, 'loose' | 'port' | 'filter' | 'resetInside'>;

/**
 * What meets the inside host's first mid-stream packet once its mapping is gone:
 * - `pickup`: a loose NAT re-creates the mapping on the same port; the connection goes on;
 * - `pickup-new-port`: re-created on another port the server does not know; its kernel answers RST;
 * - `reset-by-nat`: the NAT itself answers RST (AWS, Azure NAT gateways);
 * - `dropped`: a filter drops it (the client retransmits until ETIMEDOUT);
 * - `leaked`: it leaves with its private source address, and no answer can ever come back.
 */
export type InsideFirst = 'pickup' | 'pickup-new-port' | 'reset-by-nat' | 'dropped' | 'leaked';
/** What meets the outside host's first packet: an RST from the router's own stack, or a filter's drop. */
export type OutsideFirst = 'reset-by-nat' | 'dropped';

export interface ExpiryOutcome {
  inside: InsideFirst;
  outside: OutsideFirst;
  /** The inside host speaking first never notices the expiry. */
  transparent: boolean;
  /** One line for the trace and the report. */
  text: string;
}

const INSIDE_TEXT: Record<InsideFirst, string> = {
  pickup: "the client's next packet re-creates it on the same port (loose pickup): the connection goes on",
  'pickup-new-port': "the client's next packet re-creates it on a new port: the server answers RST",
  'reset-by-nat': "the NAT answers the client's next packet with RST",
  dropped: 'every later packet is dropped: each end retransmits until ETIMEDOUT',
  leaked: "the client's later packets leak un-NATed and no answer comes",
};

/**
 * The one table of expiry outcomes: the sim NAT (harness/sim/nat.ts) routes a forgotten
 * connection's packets by it, and the heartbeat-vs-NAT arithmetic (harness/nat/compare.ts)
 * predicts from it, so the two cannot disagree about which outcome a NAT has.
 */
export function expiryOutcome(c: ExpirySemantics): ExpiryOutcome {
  const inside: InsideFirst = c.loose ? (c.port === 'preserve' ? 'pickup' : 'pickup-new-port') : c.resetInside ? 'reset-by-nat' : c.filter ? 'dropped' : 'leaked';
  return { inside, outside: c.filter ? 'dropped' : 'reset-by-nat', transparent: inside === 'pickup', text: INSIDE_TEXT[inside] };
}
