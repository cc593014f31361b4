import { describe, expect, it } from 'vitest';
import { merge, rows } from '../../checks/fixture.ts';
import type { Verdict } from '../../checks/verdict.ts';
import { fakeRun } from '../../../test/support/fake-run.ts';
import { buildTimeline, faultSpans, mainClient, markSeries, stateSpans, thinSpans, verdictMarkers } from './timeline.ts';

const C = 'client:subject';

/** A client that loses its link to a blackhole at 1m, notices at 1m35s and reconnects twice. */
const trace = merge(
  rows(C, [
    [0, 'state', { state: 'connecting' }],
    [0, 'connect.attempt', { attempt: 0 }],
    [0, 'state', { state: 'open' }],
    [0, 'connected', { attempt: 0 }],
    [30_000, 'heartbeat.sent'],
    [30_000, 'heartbeat.reply', { rttMs: 0 }],
    [90_000, 'heartbeat.sent'],
    [95_000, 'link.dead', { reason: 'heartbeat timeout' }],
    [95_000, 'reconnect.scheduled', { attempt: 1, delayMs: 0 }],
    [95_000, 'state', { state: 'waiting' }],
    [95_000, 'state', { state: 'connecting' }],
    [95_000, 'connect.attempt', { attempt: 1 }],
    [96_000, 'state', { state: 'closed' }],
    [98_000, 'connect.attempt', { attempt: 2 }],
    [98_000, 'state', { state: 'open' }],
    [98_000, 'message.sent', { id: 'a' }],
  ]),
  rows('proxy:server', [
    [0, 'toxic.added', { toxic: 'nat', toxicType: 'nat_idle', stream: 'downstream' }],
    [60_000, 'toxic.added', { toxic: 'cut', toxicType: 'blackhole', stream: 'downstream' }],
    [120_000, 'toxic.removed', { toxic: 'cut' }],
  ]),
  rows('server:server', [
    [100_000, 'server.stopped', { mode: 'crash' }],
    [98_500, 'message.delivered', { id: 'a' }],
  ]),
  rows('link:server#1', [[200_000, 'nat.expired', { link: 'server#1', idleMs: 300_000 }]]),
  rows('client:other', [[5_000, 'heartbeat.sent']]),
);

describe('the timeline of a run', () => {
  it('follows the runner subject, else the first client in the trace', () => {
    expect(mainClient(trace)).toBe(C);
    expect(mainClient(rows('client:b', [[0, 'state', { state: 'open' }]]))).toBe('client:b');
    expect(mainClient(rows('server:s', [[0, 'server.started']]))).toBeUndefined();
    expect(buildTimeline(fakeRun({ trace: [] }))).toBeNull();
  });

  it('turns state events into bands, dropping the instants between them', () => {
    expect(stateSpans(trace, C, 600_000)).toEqual([
      { from: 0, to: 95_000, state: 'open' },
      { from: 95_000, to: 96_000, state: 'connecting' },
      { from: 96_000, to: 98_000, state: 'closed' },
      { from: 98_000, to: 600_000, state: 'open' },
    ]);
  });

  it('joins the stretches of one state that only instants separated', () => {
    const retries = rows(C, [
      [0, 'state', { state: 'open' }],
      [10, 'state', { state: 'waiting' }],
      [12, 'state', { state: 'connecting' }],
      [12, 'state', { state: 'waiting' }],
      [16, 'state', { state: 'connecting' }],
      [16, 'state', { state: 'open' }],
    ]);
    expect(stateSpans(retries, C, 20)).toEqual([
      { from: 0, to: 10, state: 'open' },
      { from: 10, to: 16, state: 'waiting' },
      { from: 16, to: 20, state: 'open' },
    ]);
  });

  it('draws hours of flapping as bands about a pixel wide, in the worst state among them', () => {
    const flapping = Array.from({ length: 3000 }, (_, i) => ({ from: 20_000 + i * 10, to: 20_010 + i * 10, state: i % 2 ? ('closed' as const) : ('open' as const) }));
    const spans = thinSpans([{ from: 0, to: 20_000, state: 'open' }, ...flapping], 50_000, 600); // a column is 83 ms
    expect(spans[0]).toEqual({ from: 0, to: 20_000, state: 'open' });
    expect(spans.length).toBeLessThanOrEqual(601);
    expect(spans.slice(1).every((s) => s.state === 'closed' && s.to - s.from < 100)).toBe(true);
    expect(spans.at(-1)!.to).toBe(50_000);
    expect(thinSpans(flapping.slice(0, 10), 100, 600)).toEqual(flapping.slice(0, 10));
  });

  it('shades faults from start to end, and names the ones in force for the whole run instead', () => {
    expect(faultSpans(trace, 600_000)).toEqual({
      faults: [
        { from: 60_000, to: 120_000, kind: 'toxic', label: 'cut (blackhole downstream)' },
        { from: 100_000, to: 600_000, kind: 'server', label: 'server down (crash)' },
      ],
      throughout: ['nat (nat_idle downstream)'],
    });
  });

  it('shades path faults and a server that stops accepting, and marks what the NAT did and to whom', () => {
    const network = merge(
      rows('network', [
        [10_000, 'path.partitioned', { direction: 'both' }],
        [20_000, 'path.changed', { direction: 'upstream', latencyMs: 200, loss: 0.1 }],
        [30_000, 'path.healed'],
        [40_000, 'server.accepting.stopped', { mode: 'drop' }],
        [50_000, 'server.accepting.resumed'],
        [55_000, 'server.connections.reset', { count: 3 }],
      ]),
      rows('nat:subject', [
        [0, 'nat.placed', { timeoutMs: 300_000, loose: false, filter: true }],
        [0, 'nat.mapping.created', { by: 'syn' }],
        [30_000, 'nat.refreshed', { by: 'outside', idleMs: 30_000 }],
        [60_000, 'nat.expired'],
        [70_000, 'nat.mapping.created', { by: 'pickup' }],
        [80_000, 'nat.reset.sent', { side: 'inside' }],
        [90_000, 'nat.reset.sent', { side: 'outside' }],
      ]),
    );
    expect(faultSpans(network, 100_000).throughout).toEqual(['NAT 5m (silent drop)']);
    expect(faultSpans(network, 100_000).faults).toEqual([
      { from: 10_000, to: 20_000, kind: 'path', label: 'partition (both)' },
      { from: 20_000, to: 30_000, kind: 'path', label: 'path: latency 200ms, loss 0.1 (upstream)' },
      { from: 40_000, to: 50_000, kind: 'server', label: 'server not accepting (drop)' },
    ]);
    const marks = markSeries(network, C, 100_000);
    expect(marks.map((m) => [m.label, m.dt])).toEqual([
      ['NAT mapping created', [0]],
      ['NAT mapping refreshed (after a quiet spell)', [30]],
      ['NAT mapping expired', [60]],
      ['NAT mapping re-created (picked up mid-stream)', [70]],
      ['NAT sent RST to the client', [80]],
      ['NAT sent RST to the server', [90]],
      ['server connections reset', [55]],
    ]);
  });

  it('counts marks per kind: client events of the client followed, server and network events of any source', () => {
    const marks = Object.fromEntries(markSeries(trace, C, 600_000).map((m) => [m.kind, m]));
    expect(Object.keys(marks)).toEqual(['heartbeat.sent', 'heartbeat.reply', 'link.dead', 'reconnect', 'nat.expired', 'message.sent', 'message.delivered']);
    expect(marks['heartbeat.sent']).toEqual({ kind: 'heartbeat.sent', label: 'heartbeat sent', lane: 'heartbeat', total: 2, dt: [30, 60] });
    expect(marks.reconnect!.dt).toEqual([95, 3]); // attempt 0 is the first connect, not a reconnect
    expect(marks['message.delivered']!.dt).toEqual([98.5]);
  });

  it('thins a dense series to one mark per pixel column but keeps its true count', () => {
    const dense = rows(C, Array.from({ length: 5000 }, (_, i) => [i * 100, 'message.sent', { id: String(i) }] as [number, string, Record<string, unknown>]));
    const [sent] = markSeries(dense, C, 500_000);
    expect(sent!.total).toBe(5000);
    expect(sent!.dt.length).toBeLessThanOrEqual(601);
  });

  it('marks where the verdicts say the link died, was noticed, broke or raised a false alarm', () => {
    const verdicts: Verdict[] = [
      { check: 'detection', status: 'fail', summary: '', measured: { deathAt: 60_000, detectedAt: 95_000, detectionMs: 35_000 } },
      { check: 'detection', status: 'fail', summary: '', measured: { deathAt: 60_000, detectedAt: null, detectionMs: null } },
      { check: 'keepalive', status: 'fail', summary: '', measured: { from: 0, firstBreakMs: 95_000 } },
      { check: 'keepalive', status: 'pass', summary: '', measured: { from: 0, firstBreakMs: null } },
      { check: 'no-false-alarm', status: 'fail', summary: '', measured: { from: 10_000, firstAlarmMs: 5_000 } },
    ];
    expect(verdictMarkers(verdicts)).toEqual([
      { t: 60_000, label: 'link died', kind: 'death' },
      { t: 95_000, label: 'noticed', kind: 'noticed' },
      { t: 60_000, label: 'link died', kind: 'death' },
      { t: 95_000, label: 'connection broke', kind: 'broke' },
      { t: 15_000, label: 'false alarm', kind: 'alarm' },
    ]);
  });

  it('runs to the end of the run or of the trace, whichever is later', () => {
    expect(buildTimeline(fakeRun({ trace, virtualMs: 100_000 }))!.endMs).toBe(200_000);
    expect(buildTimeline(fakeRun({ trace, virtualMs: 600_000 }))).toMatchObject({ endMs: 600_000, client: C });
  });
});
