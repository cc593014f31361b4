/**
 * Linux's TCP constants as the simulated stack uses them, each with its source. Times in ms.
 * Kernel paths refer to torvalds/linux; the sysctl defaults are those of
 * Documentation/networking/ip-sysctl.rst.
 */

/** TCP_RTO_MIN, include/net/tcp.h: `#define TCP_RTO_MIN ((unsigned)(HZ / 5))` = 200 ms. */
export const RTO_MIN_MS = 200;
/** TCP_RTO_MAX, include/net/tcp.h: `#define TCP_RTO_MAX ((unsigned)(120 * HZ))` = 120 s. */
export const RTO_MAX_MS = 120_000;
/** TCP_TIMEOUT_INIT, include/net/tcp.h: `#define TCP_TIMEOUT_INIT ((unsigned)(1 * HZ))`, RFC 6298 section 2.1. */
export const RTO_INITIAL_MS = 1_000;
/** net.ipv4.tcp_retries2 default 15 (ip-sysctl.rst: "a hypothetical timeout of 924.6 seconds"). */
export const TCP_RETRIES2 = 15;
/** net.ipv4.tcp_syn_retries default 6 (ip-sysctl.rst: "about 127 seconds"). */
export const TCP_SYN_RETRIES = 6;
/** net.ipv4.tcp_synack_retries default 5 (ip-sysctl.rst). */
export const TCP_SYNACK_RETRIES = 5;

/** net.ipv4.tcp_keepalive_time default 7200 s: the idle time when setKeepAlive(true, 0) leaves it alone. */
export const KEEPALIVE_TIME_DEFAULT_MS = 7_200_000;
/** net.ipv4.tcp_keepalive_intvl default 75 s. */
export const KEEPALIVE_INTVL_DEFAULT_MS = 75_000;
/** net.ipv4.tcp_keepalive_probes default 9. */
export const KEEPALIVE_PROBES_DEFAULT = 9;
/**
 * libuv (1.46, the one node 20 bundles) src/unix/tcp.c uv__tcp_keepalive(): with a delay it sets
 * TCP_KEEPIDLE = delay, `int intvl = 1; /* 1 second *\/` and `int cnt = 10; /* 10 retries *\/`.
 * node's setKeepAlive(enable, initialDelay) passes `~~(initialDelay / 1000)` seconds (lib/net.js);
 * a delay of 0 makes setsockopt(TCP_KEEPIDLE) fail with EINVAL before the other two are set, so the
 * sysctl defaults above stay in force (node's docs: "0 ... will leave the value unchanged").
 */
export const LIBUV_KEEPALIVE_INTVL_MS = 1_000;
export const LIBUV_KEEPALIVE_CNT = 10;

/**
 * The receive buffer a socket advertises as its window: net.ipv4.tcp_rmem's default (middle)
 * value, 131072 bytes since Linux 4.20 (commit a337531b942b, "tcp: up initial rmem to 128KB").
 */
export const RECEIVE_BUFFER_BYTES = 131_072;
/** The send buffer: net.ipv4.tcp_wmem's default (middle) value, 16384 bytes. */
export const SEND_BUFFER_BYTES = 16_384;
/** Segment size: an Ethernet MTU of 1500 less 20 bytes of IPv4 and 20 of TCP header (RFC 879). */
export const MSS_BYTES = 1_460;

/**
 * How long Linux keeps retransmitting before ETIMEDOUT: tcp_model_timeout() in
 * net/ipv4/tcp_timer.c models an RTO that starts at `rtoBase` and doubles up to TCP_RTO_MAX:
 *   linear_backoff_thresh = ilog2(TCP_RTO_MAX / rto_base)
 *   boundary <= thresh: ((2 << boundary) - 1) * rto_base
 *   else: ((2 << thresh) - 1) * rto_base + (boundary - thresh) * TCP_RTO_MAX
 * retransmits_timed_out() gives up once the time since the first unanswered transmission reaches it.
 * For data (rto_base TCP_RTO_MIN, boundary tcp_retries2 = 15) this is 924.6 s; for a SYN
 * (rto_base TCP_TIMEOUT_INIT, boundary tcp_syn_retries = 6) 127 s.
 */
export function retransmitBudgetMs(boundary: number, rtoBase: number): number {
  const thresh = Math.floor(Math.log2(RTO_MAX_MS / rtoBase));
  if (boundary <= thresh) return ((2 << boundary) - 1) * rtoBase;
  return ((2 << thresh) - 1) * rtoBase + (boundary - thresh) * RTO_MAX_MS;
}

/** First ephemeral port, net.ipv4.ip_local_port_range default "32768 60999". */
export const EPHEMERAL_PORT_FIRST = 32_768;
export const EPHEMERAL_PORT_LAST = 60_999;
