import type { Clock, TimerHandle } from '../../clock/clock.ts';
import { KEEPALIVE_INTVL_DEFAULT_MS, KEEPALIVE_PROBES_DEFAULT, KEEPALIVE_TIME_DEFAULT_MS, LIBUV_KEEPALIVE_CNT, LIBUV_KEEPALIVE_INTVL_MS } from './constants.ts';

export interface KeepaliveSettings {
  idleMs: number;
  intervalMs: number;
  probes: number;
}

/**
 * What node's `socket.setKeepAlive(true, initialDelay)` asks the kernel for, through libuv:
 * whole seconds of idle (`~~(initialDelay / 1000)`, lib/net.js), then libuv's 1 s interval and 10
 * probes; a delay under one second keeps the kernel's defaults (see constants.ts).
 */
export function keepaliveFromNode(initialDelayMs: number): KeepaliveSettings {
  const seconds = Math.trunc(initialDelayMs / 1000);
  if (seconds < 1) return { idleMs: KEEPALIVE_TIME_DEFAULT_MS, intervalMs: KEEPALIVE_INTVL_DEFAULT_MS, probes: KEEPALIVE_PROBES_DEFAULT };
  return { idleMs: seconds * 1000, intervalMs: LIBUV_KEEPALIVE_INTVL_MS, probes: LIBUV_KEEPALIVE_CNT };
}

export interface KeepaliveHost {
  /** Virtual time anything was last received on the connection. */
  lastReceivedAt(): number;
  /** True while data is unacknowledged or unsent: the retransmission timer is in charge then. */
  hasOutstanding(): boolean;
  sendProbe(): void;
  /** Every probe went unanswered. */
  timedOut(): void;
}

/**
 * tcp_keepalive_timer() in net/ipv4/tcp_timer.c: once nothing has been received for `idle`, send a
 * probe every `interval`; `probes` unanswered probes end the connection with ETIMEDOUT. Anything
 * received answers (tcp_ack() resets icsk_probes_out). No probe while data is outstanding.
 */
export class KeepaliveTimer {
  private timer: TimerHandle | undefined;
  private probesOut = 0;

  constructor(
    private readonly clock: Clock,
    private readonly settings: KeepaliveSettings,
    private readonly host: KeepaliveHost,
  ) {
    this.arm(settings.idleMs);
  }

  /** Something was received: unanswered probes are answered. */
  heard(): void {
    this.probesOut = 0;
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(ms: number): void {
    this.timer = this.clock.setTimeout(() => this.fire(), ms);
  }

  private fire(): void {
    const { idleMs, intervalMs, probes } = this.settings;
    if (this.host.hasOutstanding()) {
      this.probesOut = 0;
      return this.arm(idleMs);
    }
    const idle = this.clock.now() - this.host.lastReceivedAt();
    if (idle < idleMs) return this.arm(idleMs - idle);
    if (this.probesOut >= probes) return this.host.timedOut();
    this.probesOut++;
    this.host.sendProbe();
    this.arm(intervalMs);
  }
}
