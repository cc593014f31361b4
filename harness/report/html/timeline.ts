import { traceEnd } from '../../checks/moment.ts';
import type { Verdict } from '../../checks/verdict.ts';
import type { ClientState } from '../../trace/events.ts';
import type { RunResult } from '../../scenario/results.ts';
import type { TraceEvent } from '../../trace/trace.ts';
import { formatMs } from '../../util/duration.ts';
import { packTimes, THIN_BUCKETS, thinTimes } from './thin.ts';

/** Horizontal lanes of the timeline, top to bottom; the connection lane holds the state bands. */
export type Lane = 'connection' | 'heartbeat' | 'link' | 'network' | 'messages';

/** Events drawn as marks, one series each. */
export interface MarkSeries {
  kind: string;
  label: string;
  lane: Exclude<Lane, 'connection'>;
  /** How many such events the trace holds. */
  total: number;
  /**
   * The instants drawn, packed (see packTimes): events at the same instant share one mark, and a
   * dense series is thinned to one mark per pixel column.
   */
  dt: number[];
}

export interface StateSpan {
  from: number;
  to: number;
  state: ClientState;
}

/** A fault in force: shaded from where it began to where it ended (or the end of the run). */
export interface FaultSpan {
  from: number;
  to: number;
  label: string;
  kind: 'toxic' | 'server' | 'proxy' | 'path';
}

/** A moment a verdict points at: where the link died, where the client noticed. */
export interface VerdictMarker {
  t: number;
  label: string;
  kind: 'death' | 'noticed' | 'broke' | 'alarm';
}

export interface TimelineView {
  endMs: number;
  /** The trace source of the client drawn, e.g. "client:subject". */
  client: string;
  states: StateSpan[];
  /** Faults shaded on the chart. */
  faults: FaultSpan[];
  /** Faults in force for the whole run (a NAT, a slow link): named, not shaded over everything. */
  throughout: string[];
  marks: MarkSeries[];
  markers: VerdictMarker[];
}

interface MarkDefinition {
  kind: string;
  label: string;
  lane: MarkSeries['lane'];
  /** Client events count only from the client drawn; server and network events from any source. */
  ofClient: boolean;
  type: string;
  where?: (e: TraceEvent) => boolean;
}

const MARKS: readonly MarkDefinition[] = [
  { kind: 'heartbeat.sent', label: 'heartbeat sent', lane: 'heartbeat', ofClient: true, type: 'heartbeat.sent' },
  { kind: 'heartbeat.reply', label: 'heartbeat answered', lane: 'heartbeat', ofClient: true, type: 'heartbeat.reply' },
  { kind: 'link.dead', label: 'link declared dead', lane: 'link', ofClient: true, type: 'link.dead' },
  { kind: 'reconnect', label: 'reconnect attempt', lane: 'link', ofClient: true, type: 'connect.attempt', where: (e) => Number(e.attempt) > 0 },
  { kind: 'gave_up', label: 'gave up reconnecting', lane: 'link', ofClient: true, type: 'reconnect.gave_up' },
  { kind: 'nat.mapping.created', label: 'NAT mapping created', lane: 'network', ofClient: false, type: 'nat.mapping.created', where: (e) => e.by !== 'pickup' },
  { kind: 'nat.refreshed', label: 'NAT mapping refreshed (after a quiet spell)', lane: 'network', ofClient: false, type: 'nat.refreshed' },
  { kind: 'nat.expired', label: 'NAT mapping expired', lane: 'network', ofClient: false, type: 'nat.expired' },
  { kind: 'nat.mapping.recreated', label: 'NAT mapping re-created (picked up mid-stream)', lane: 'network', ofClient: false, type: 'nat.mapping.created', where: (e) => e.by === 'pickup' },
  { kind: 'nat.reset.client', label: 'NAT sent RST to the client', lane: 'network', ofClient: false, type: 'nat.reset.sent', where: (e) => e.side === 'inside' },
  { kind: 'nat.reset.server', label: 'NAT sent RST to the server', lane: 'network', ofClient: false, type: 'nat.reset.sent', where: (e) => e.side === 'outside' },
  { kind: 'nat.flushed', label: 'NAT flushed', lane: 'network', ofClient: false, type: 'nat.flushed' },
  { kind: 'connections.reset', label: 'server connections reset', lane: 'network', ofClient: false, type: 'server.connections.reset' },
  { kind: 'half_open.cut', label: 'half-open cut', lane: 'network', ofClient: false, type: 'half_open.cut' },
  { kind: 'message.sent', label: 'message sent', lane: 'messages', ofClient: true, type: 'message.sent' },
  { kind: 'message.delivered', label: 'message delivered', lane: 'messages', ofClient: false, type: 'message.delivered' },
  { kind: 'message.failed', label: 'message failed', lane: 'messages', ofClient: true, type: 'message.failed' },
];
const MARK_TYPES: ReadonlySet<string> = new Set(MARKS.map((m) => m.type));

/** The client a run's charts follow: the runner's subject, else the first client in the trace. */
export function mainClient(trace: readonly TraceEvent[]): string | undefined {
  let first: string | undefined;
  for (const { source } of trace) {
    if (source === 'client:subject') return source;
    if (first === undefined && source.startsWith('client:')) first = source;
  }
  return first;
}

/** What the timeline chart draws for one run; null when the trace has no client to follow. */
export function buildTimeline(run: RunResult): TimelineView | null {
  const client = mainClient(run.trace);
  if (!client) return null;
  const endMs = Math.max(run.virtualMs, traceEnd(run.trace));
  const { faults, throughout } = faultSpans(run.trace, endMs);
  return {
    endMs,
    client,
    states: stateSpans(run.trace, client, endMs),
    faults,
    throughout,
    marks: markSeries(run.trace, client, endMs),
    markers: verdictMarkers(run.verdicts),
  };
}

export function markSeries(trace: readonly TraceEvent[], client: string, endMs: number): MarkSeries[] {
  // One pass over the trace, not one per mark: a fleet's trace holds millions of events.
  const byType = new Map<string, TraceEvent[]>();
  for (const e of trace) {
    if (!MARK_TYPES.has(e.type)) continue;
    const events = byType.get(e.type);
    if (events) events.push(e);
    else byType.set(e.type, [e]);
  }
  return MARKS.flatMap(({ kind, label, lane, ofClient, type, where }) => {
    const times = (byType.get(type) ?? []).filter((e) => (!ofClient || e.source === client) && (!where || where(e))).map((e) => e.t);
    return times.length ? [{ kind, label, lane, total: times.length, dt: packTimes(thinTimes([...new Set(times)], endMs)) }] : [];
  });
}

/**
 * The client's state from each `state` event to the next. Instants (waiting -> connecting -> closed
 * at one virtual time) drop out, and what they separated joins up: one band per stretch of a state.
 */
export function stateSpans(trace: readonly TraceEvent[], client: string, endMs: number): StateSpan[] {
  const changes = trace.filter((e) => e.source === client && e.type === 'state');
  const spans: StateSpan[] = [];
  changes.forEach((e, i) => {
    const span = { from: e.t, to: changes[i + 1]?.t ?? endMs, state: e.state as ClientState };
    if (span.to <= span.from) return;
    const last = spans.at(-1);
    if (last && last.state === span.state && last.to === span.from) last.to = span.to;
    else spans.push(span);
  });
  return thinSpans(spans, endMs);
}

/** Worse states win when a flapping stretch is drawn as one band. */
const SEVERITY: readonly ClientState[] = ['open', 'closing', 'connecting', 'waiting', 'closed'];

/**
 * A client flapping for hours changes state more often than there are pixels: runs of spans
 * narrower than a pixel column become bands about a column wide, in the worst state among them.
 */
export function thinSpans(spans: StateSpan[], endMs: number, buckets = THIN_BUCKETS): StateSpan[] {
  if (spans.length <= buckets) return spans;
  const width = endMs / buckets;
  const thinned: StateSpan[] = [];
  for (const span of spans) {
    const last = thinned.at(-1);
    if (last && span.to - span.from < width && last.to - last.from < width) {
      last.to = span.to;
      if (SEVERITY.indexOf(span.state) > SEVERITY.indexOf(last.state)) last.state = span.state;
    } else {
      thinned.push({ ...span });
    }
  }
  return thinned;
}

/** Toxics from added to removed, the server from stopped to started, the proxy from disabled to enabled. */
export function faultSpans(trace: readonly TraceEvent[], endMs: number): { faults: FaultSpan[]; throughout: string[] } {
  const spans: FaultSpan[] = [];
  const open = new Map<string, Omit<FaultSpan, 'to'>>();
  const begin = (key: string, span: Omit<FaultSpan, 'to'>) => open.has(key) || open.set(key, span);
  const end = (key: string, t: number) => {
    const span = open.get(key);
    if (span) spans.push({ ...span, to: t });
    open.delete(key);
  };
  for (const e of trace) {
    if (e.type === 'toxic.added') begin(`${e.source} toxic ${String(e.toxic)}`, { from: e.t, kind: 'toxic', label: toxicLabel(e) });
    else if (e.type === 'toxic.removed') end(`${e.source} toxic ${String(e.toxic)}`, e.t);
    else if (e.type === 'server.stopped') begin(`${e.source} down`, { from: e.t, kind: 'server', label: `server down (${String(e.mode)})` });
    else if (e.type === 'server.started') end(`${e.source} down`, e.t);
    else if (e.type === 'proxy.disabled') begin(`${e.source} disabled`, { from: e.t, kind: 'proxy', label: 'proxy disabled' });
    else if (e.type === 'proxy.enabled') end(`${e.source} disabled`, e.t);
    else if (e.type === 'nat.placed') begin(`${e.source} nat`, { from: e.t, kind: 'path', label: natLabel(e) });
    else if (e.type === 'server.accepting.stopped') begin('server door', { from: e.t, kind: 'server', label: `server not accepting (${String(e.mode)})` });
    else if (e.type === 'server.accepting.resumed') end('server door', e.t);
    else if (e.type === 'path.partitioned' || e.type === 'path.changed') {
      end('path', e.t); // a change replaces the fault before it
      begin('path', { from: e.t, kind: 'path', label: pathLabel(e) });
    } else if (e.type === 'path.healed') end('path', e.t);
  }
  for (const span of open.values()) spans.push({ ...span, to: endMs });
  spans.sort((a, b) => a.from - b.from);
  const whole = (s: FaultSpan) => s.from === 0 && s.to >= endMs;
  return { faults: spans.filter((s) => !whole(s)), throughout: spans.filter(whole).map((s) => s.label) };
}

/** "NAT linux-conntrack", "NAT 5m (loose, port preserve, no filter)". */
function natLabel(e: TraceEvent): string {
  if (typeof e.profile === 'string') return `NAT ${e.profile}`;
  const how = e.loose ? `loose, port ${String(e.port)}` : e.resetInside ? 'RST from the NAT' : e.filter ? 'silent drop' : 'no pickup, leaks';
  return `NAT ${formatMs(Number(e.timeoutMs))} (${how})`;
}

/** "partition (both)", "path: latency 200ms, loss 0.1 (upstream)". */
function pathLabel(e: TraceEvent): string {
  if (e.type === 'path.partitioned') return `partition (${String(e.direction)})`;
  const words = [e.latencyMs !== undefined && `latency ${String(e.latencyMs)}ms`, e.jitterMs !== undefined && `jitter ${String(e.jitterMs)}ms`, e.loss !== undefined && `loss ${String(e.loss)}`, e.bandwidth !== undefined && `${String(e.bandwidth)} KB/s`].filter(Boolean);
  return `path: ${words.join(', ')} (${String(e.direction)})`;
}

function toxicLabel(e: TraceEvent): string {
  const stream = typeof e.stream === 'string' ? ` ${e.stream}` : '';
  return `${String(e.toxic)} (${String(e.toxicType)}${stream})`;
}

/** Where the verdicts say the story turned: the death and the detection, the first break, the first false alarm. */
export function verdictMarkers(verdicts: readonly Verdict[]): VerdictMarker[] {
  const at = (v: Verdict, key: string, offsetKey?: string): number | undefined => {
    const base = v.measured[key];
    const offset = offsetKey ? v.measured[offsetKey] : 0;
    return typeof base === 'number' && typeof offset === 'number' ? base + offset : undefined;
  };
  return verdicts.flatMap((v): VerdictMarker[] => {
    const marker = (t: number | undefined, label: string, kind: VerdictMarker['kind']) => (t === undefined ? [] : [{ t, label, kind }]);
    switch (v.check) {
      case 'detection':
        return [...marker(at(v, 'deathAt'), 'link died', 'death'), ...marker(at(v, 'detectedAt'), 'noticed', 'noticed')];
      case 'keepalive':
        return marker(at(v, 'from', 'firstBreakMs'), 'connection broke', 'broke');
      case 'no-false-alarm':
        return marker(at(v, 'from', 'firstAlarmMs'), 'false alarm', 'alarm');
      default:
        return [];
    }
  });
}
