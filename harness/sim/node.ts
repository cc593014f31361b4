import type { Segment } from './segment.ts';

/** Anything packets are delivered to: a host, or a middlebox such as a NAT. */
export interface SimNode {
  readonly name: string;
  /** The address packets to this node carry (a NAT's public address). */
  readonly address: string;
  receive(seg: Segment): void;
}
