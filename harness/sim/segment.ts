/**
 * A TCP segment on the simulated wire. Sequence numbers are plain integers that never wrap (a
 * connection would need 9 PB to reach 2^53), so comparisons stay readable.
 */
export interface Segment {
  src: string;
  sport: number;
  dst: string;
  dport: number;
  seq: number;
  /** Acknowledgement number; meaningful when `ack` is set. */
  ackNo: number;
  /** Advertised receive window in bytes. */
  wnd: number;
  syn?: true;
  ack?: true;
  fin?: true;
  rst?: true;
  data?: Buffer;
}

/**
 * `seg` with new addresses, as a NAT rewrites it: every field named in the order the TCP model
 * sends them, so segments keep one shape (and the code reading them stays monomorphic).
 */
export function readdressed(seg: Segment, src: string, sport: number, dst: string, dport: number): Segment {
  return { src, sport, dst, dport, seq: seg.seq, ackNo: seg.ackNo, wnd: seg.wnd, syn: seg.syn, ack: seg.ack, fin: seg.fin, rst: seg.rst, data: seg.data };
}

/** Sequence space the segment occupies: its bytes, plus one each for SYN and FIN. */
export function segmentLength(seg: Segment): number {
  return (seg.data?.length ?? 0) + (seg.syn ? 1 : 0) + (seg.fin ? 1 : 0);
}

/** "SYN", "ACK", "FIN|ACK" … for traces and test failures. */
export function describeFlags(seg: Segment): string {
  const flags = [seg.syn && 'SYN', seg.fin && 'FIN', seg.rst && 'RST', seg.ack && 'ACK'].filter(Boolean);
  return flags.join('|') || 'NONE';
}
