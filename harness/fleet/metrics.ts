import type { TraceEvent } from '../trace/trace.ts';
import { maxOf } from '../util/max.ts';

/** Why a reconnect attempt did not lead to a connection, from the failure the client traced. */
export type WasteReason = 'refused' | 'timedOut' | 'other';

/** What a fleet did after one event (a server restart, a NAT flush), read from the trace. */
export interface FleetMetrics {
  /** When the event happened (ms since the run began). */
  at: number;
  /** Members whose connection was lost at or after `at`. */
  affected: number;
  /** Of those, the ones connected again before the trace ends. */
  back: number;
  /** connect.attempt events of the members from `at` on. */
  attempts: number;
  /** Attempts per whole second from `at`: rate[0] is [at, at + 1 s). */
  rate: number[];
  /** The busiest second, attempts/s (refused ones included: each is a SYN the server's host answers). */
  peak: number;
  /** Reconnections per whole second from `at`: the handshakes the server has to serve. */
  reconnects: number[];
  /** The busiest second of `reconnects`. */
  peakReconnects: number;
  /** The 99th percentile of the per-second rate over the storm's seconds. */
  p99: number;
  /**
   * Peak against the rate of the same attempts spread evenly over the same window: 1 is a perfect
   * spread, the window's length in seconds is every attempt in one second.
   */
  herdFactor: number;
  /** From `at` to the first connection after the loss, per affected member that came back, ascending. */
  backMs: number[];
  back50: number | null;
  back90: number | null;
  back99: number | null;
  /** null when some member never came back. */
  back100: number | null;
  /** Attempts that did not connect, by the reason the client gave. */
  wasted: Record<WasteReason, number>;
  /** The most connections one member made after the loss (a member that flaps counts more than 1). */
  mostReconnects: number;
}

/** Every attempt that did not connect, whatever the reason. */
export function totalWasted(m: Pick<FleetMetrics, 'wasted'>): number {
  return m.wasted.refused + m.wasted.timedOut + m.wasted.other;
}

/**
 * FleetMetrics as numbers, without its per-second and per-member lists: what a herd verdict
 * measures and what the fleet page shows, from this one projection. `wasted` is the total.
 */
export type FleetNumbers = Pick<FleetMetrics, 'at' | 'affected' | 'back' | 'attempts' | 'peak' | 'p99' | 'peakReconnects' | 'herdFactor' | 'back50' | 'back90' | 'back99' | 'back100' | 'mostReconnects'> & {
  wasted: number;
  refused: number;
  timedOut: number;
};

export function fleetNumbers(m: FleetMetrics): FleetNumbers {
  const { at, affected, back, attempts, peak, p99, peakReconnects, herdFactor, back50, back90, back99, back100, mostReconnects } = m;
  return { at, affected, back, attempts, peak, p99, peakReconnects, herdFactor, back50, back90, back99, back100, wasted: totalWasted(m), refused: m.wasted.refused, timedOut: m.wasted.timedOut, mostReconnects };
}

const isLoss = (e: TraceEvent) => e.type === 'link.dead' || (e.type === 'state' && (e.state === 'closed' || e.state === 'waiting'));

function wasteReason(reason: unknown): WasteReason {
  const text = String(reason ?? '');
  if (/ECONNREFUSED|refused/i.test(text)) return 'refused';
  if (/ETIMEDOUT|timed? ?out/i.test(text)) return 'timedOut';
  return 'other';
}

/** The value at quantile q (nearest rank) of ascending `sorted`; null when empty. */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * The fleet metrics for the members in `members` (client names), after the event at `at`.
 * Attempts are counted where the clients make them, which is where they arrive at the server's
 * host: on the simulated network a SYN reaches the server's kernel in the same instant unless a
 * path fault holds it.
 */
export function fleetMetrics(events: readonly TraceEvent[], members: ReadonlySet<string>, at: number): FleetMetrics {
  const lives = new Map<string, { lostAt?: number; backAt?: number; connections: number; pending: boolean; reason?: unknown }>();
  const attemptTimes: number[] = [];
  const wasted: Record<WasteReason, number> = { refused: 0, timedOut: 0, other: 0 };
  for (const e of events) {
    if (e.t < at || !e.source.startsWith('client:')) continue;
    const name = e.source.slice('client:'.length);
    if (!members.has(name)) continue;
    let life = lives.get(name);
    if (!life) lives.set(name, (life = { connections: 0, pending: false }));
    if (e.type === 'connect.attempt') {
      if (life.pending) wasted[wasteReason(life.reason)]++;
      life.pending = true;
      life.reason = undefined;
      attemptTimes.push(e.t);
    } else if (e.type === 'connected') {
      life.pending = false;
      if (life.lostAt !== undefined) {
        life.connections++;
        life.backAt ??= e.t;
      }
    } else if (isLoss(e)) {
      life.lostAt ??= e.t;
      if (e.type === 'link.dead') life.reason = e.reason;
    }
  }
  const affected = [...lives.values()].filter((l) => l.lostAt !== undefined);
  const backMs = affected.filter((l) => l.backAt !== undefined).map((l) => l.backAt! - at).sort((a, b) => a - b);
  const last = Math.max(at, ...attemptTimes.slice(-1), ...backMs.slice(-1).map((b) => b + at));
  const seconds = Math.max(1, Math.ceil((last - at + 1) / 1000));
  const rate = new Array<number>(seconds).fill(0);
  for (const t of attemptTimes) rate[Math.floor((t - at) / 1000)]!++;
  const reconnects = new Array<number>(seconds).fill(0);
  for (const ms of backMs) reconnects[Math.floor(ms / 1000)]!++;
  const peak = Math.max(0, ...rate);
  const busiest = [...rate].sort((a, b) => a - b);
  return {
    at,
    affected: affected.length,
    back: backMs.length,
    attempts: attemptTimes.length,
    rate,
    peak,
    reconnects,
    peakReconnects: maxOf(reconnects) ?? 0,
    p99: quantile(busiest, 0.99) ?? 0,
    herdFactor: attemptTimes.length === 0 ? 0 : round2(peak / (attemptTimes.length / seconds)),
    backMs,
    back50: quantile(backMs, 0.5),
    back90: quantile(backMs, 0.9),
    back99: quantile(backMs, 0.99),
    back100: backMs.length === affected.length ? (backMs.at(-1) ?? null) : null,
    wasted,
    mostReconnects: maxOf(affected.map((l) => l.connections)) ?? 0,
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;
