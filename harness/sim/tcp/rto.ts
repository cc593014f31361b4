import { RTO_INITIAL_MS, RTO_MAX_MS, RTO_MIN_MS } from './constants.ts';

/**
 * The retransmission timeout of one connection: RFC 6298's estimator (SRTT, RTTVAR; alpha 1/8,
 * beta 1/4) with Linux's floor, which bounds the variance term rather than the sum:
 * tcp_set_rto() in net/ipv4/tcp_input.c computes srtt + max(4 * mdev, TCP_RTO_MIN), so an
 * 80 ms path gets 160 + 200 = 360 ms, not max(160, 200). Backoff doubles per timeout up to
 * TCP_RTO_MAX (tcp_retransmit_timer(), net/ipv4/tcp_timer.c) and resets on a new sample.
 */
export class RtoEstimator {
  private srtt: number | undefined;
  private rttvar = 0;
  private backoff = 0;

  /** A round-trip sample from a segment that was sent once (Karn's rule is the caller's). */
  sample(rttMs: number): void {
    if (this.srtt === undefined) {
      this.srtt = rttMs;
      this.rttvar = rttMs / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rttMs);
      this.srtt = 0.875 * this.srtt + 0.125 * rttMs;
    }
    this.backoff = 0;
  }

  /** The timeout before the next retransmission, backoff included. */
  current(): number {
    const base = this.srtt === undefined ? RTO_INITIAL_MS : this.srtt + Math.max(4 * this.rttvar, RTO_MIN_MS);
    return Math.min(Math.round(base * 2 ** this.backoff), RTO_MAX_MS);
  }

  /** A timeout fired: the next one waits twice as long. */
  back(): void {
    if (this.current() < RTO_MAX_MS) this.backoff++;
  }

  /** New data was acknowledged: the backoff starts over (tcp_ack() clears icsk_backoff). */
  reset(): void {
    this.backoff = 0;
  }
}
