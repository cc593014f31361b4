import type { TraceEvent } from '../trace/trace.ts';
import { formatMs } from '../util/duration.ts';
import { describeMoment, timeOf, traceEnd, type Moment } from './moment.ts';
import { errored, judge, plural, type Verdict } from './verdict.ts';

export interface KeepaliveOptions {
  /** The client's trace source, e.g. "client:tcp-1". */
  client: string;
  /** Where the idle window begins; the client's first `connected` when omitted. */
  from?: Moment;
  /** How long the connection must survive, typically k x the NAT timeout. */
  windowMs: number;
  /** The NAT timeout the window is a multiple of; only for the summary and the bound. */
  natTimeoutMs?: number;
  /** When the run ended, if later than its last event (an idle run may end in silence). */
  endAt?: number;
}

const isBreak = (e: TraceEvent) => e.type === 'link.dead';

/**
 * A NAT expiry that can break a live connection: not the housekeeping of one that had already
 * closed (conntrack keeps a FIN-ed or reset connection for a while, then forgets it, as the sim
 * NAT's `state` says; the nat_idle toxic only expires live links).
 */
export const isLiveExpiry = (e: TraceEvent): boolean => e.type === 'nat.expired' && e.state !== 'fin' && e.state !== 'closed';
const isReconnect = (e: TraceEvent) => e.type === 'connect.attempt' && typeof e.attempt === 'number' && e.attempt > 0;

/**
 * The connection survives the idle window: no link.dead and no reconnect attempt by the client in it,
 * and no NAT mapping expiring under it (a client without a heartbeat would never say so itself).
 * It must be open when the window begins and the run must cover the whole window, or the check
 * could pass without having watched anything.
 */
export function checkKeepalive(events: readonly TraceEvent[], options: KeepaliveOptions): Verdict {
  const check = 'keepalive';
  const own = events.filter((e) => e.source === options.client);
  const start = options.from ?? { type: 'connected', source: options.client };
  const from = timeOf(events, start);
  if (from === undefined) {
    return errored(check, `no window start: ${describeMoment(start)} is not in the trace; did ${options.client} ever connect?`);
  }
  const lastChange = own.filter((e) => e.t <= from && (e.type === 'connected' || isBreak(e))).at(-1);
  if (lastChange?.type !== 'connected') {
    return errored(check, `${options.client} was not connected at the window start (t=${from}); start the window after it connects`);
  }
  const to = from + options.windowMs;
  const end = Math.max(options.endAt ?? 0, traceEnd(events));
  if (end < to) {
    return errored(check, `the run ends at t=${end}, before the window ends at t=${to}; idle longer`);
  }

  const inWindow = own.filter((e) => e.t > from && e.t <= to);
  const breaks = inWindow.filter(isBreak).length;
  const reconnects = inWindow.filter(isReconnect).length;
  // A mapping that expired broke the connection even if the client never noticed (no heartbeat),
  // unless the NAT picks the connection up again as it was (Linux's loose conntrack, port kept);
  // then it broke only if the server spoke first and the NAT reset the server's end.
  const natEvents = events.filter((e) => e.t > from && e.t <= to && (isLiveExpiry(e) || (e.type === 'nat.reset.sent' && e.side === 'outside')));
  const expiries = natEvents.filter((e) => !(e.type === 'nat.expired' && e.transparent === true));
  const pickedUp = natEvents.length - expiries.length;
  const firstBreak = [inWindow.find((e) => isBreak(e) || isReconnect(e)), expiries[0]].filter((e) => e !== undefined).sort((a, b) => a.t - b.t)[0];
  const unnoticed = firstBreak !== undefined && breaks === 0 && reconnects === 0;
  const window = `${formatMs(options.windowMs)}${natMultiple(options)}`;
  return judge(check, firstBreak === undefined, {
    summary: firstBreak
      ? `broke after ${formatMs(firstBreak.t - from)} of ${window}: ${unnoticed ? `${firstBreak.type === 'nat.reset.sent' ? 'the NAT reset the server\'s end' : 'the NAT mapping expired'} and ${options.client} never noticed` : `${breaks} link.dead, ${plural(reconnects, 'reconnect')}`}`
      : `survived ${window} idle: no link.dead, no reconnect${pickedUp ? `; the NAT mapping expired ${plural(pickedUp, 'time')} and was picked up again each time (loose conntrack, port kept: the verdict rests on those expiry semantics)` : ''}`,
    // What the NAT's expiry meant (the sim NAT says; nat_idle's is in its toxic): the verdict rests on it.
    measured: { from, breaks, reconnects, natExpiries: expiries.length, natPickups: pickedUp, firstBreakMs: firstBreak ? firstBreak.t - from : null, ...(typeof expiries[0]?.next === 'string' && { natExpiry: expiries[0].next }) },
    bound: { windowMs: options.windowMs, natTimeoutMs: options.natTimeoutMs ?? null },
  });
}

/** " (3 x NAT timeout 5m)" */
function natMultiple({ windowMs, natTimeoutMs }: KeepaliveOptions): string {
  if (!natTimeoutMs) return '';
  return ` (${Number((windowMs / natTimeoutMs).toFixed(2))} x NAT timeout ${formatMs(natTimeoutMs)})`;
}
