import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/trace.ts';
import { runFlatline } from './run-flatline.ts';
import type { FleetScenario } from './scenario.ts';

/** 20 reference tcp clients connected at 0, on the simulated network, judged 4 min. */
const fleet = (timeline: FleetScenario['timeline'], more: Partial<FleetScenario> = {}): FleetScenario => ({
  name: 'host faults',
  fleet: { size: 20, subject: { kind: 'tcp' } },
  timeline: [{ at: 0, do: 'connect' }, ...timeline],
  checks: [{ check: 'herd', back99: '<= 1s' }],
  horizon: '4m',
  ...more,
});

const dead = (trace: readonly TraceEvent[], reason?: string) => trace.filter((e) => e.type === 'link.dead' && (reason === undefined || e.reason === reason));
const who = (events: readonly TraceEvent[]) => [...new Set(events.map((e) => e.source))].sort();

describe("a fleet's servers kill connections, and stop and resume accepting, on the simulated network", () => {
  it.each([
    ['each member on its own address', {}],
    ['behind one carrier-grade NAT, known by the public port its mapping gives each', { network: { nat: 'carrier-grade' } }],
  ] as const)('reset-connections of a share, %s: those members alone hear ECONNRESET at once and are back at their first attempt', async (_where, more) => {
    const result = await runFlatline(fleet([{ at: '1m', do: 'reset-connections', share: '25%' }], more));
    expect(result.error).toBeUndefined();
    const reset = dead(result.trace);
    expect(reset.map((e) => [e.t, e.reason])).toEqual(Array.from({ length: 5 }, () => [60_000, 'ECONNRESET']));
    expect(who(reset)).toHaveLength(5);
    expect(result.trace.find((e) => e.type === 'server.connections.reset')).toMatchObject({ t: 60_000, source: 'fleet', count: 5, share: '25%' });
    const back = result.trace.filter((e) => e.type === 'connected' && e.t > 0);
    expect(who(back)).toEqual(who(reset));
    expect(back.every((e) => e.t === 60_000)).toBe(true);
    // judged from the reset, the first fleet event
    expect(result.verdicts[0]).toMatchObject({ check: 'herd', status: 'pass', measured: { affected: 5, back: 5 } });
  });

  it('the same share is the same members, run after run (a seeded choice)', async () => {
    const once = async () => who(dead((await runFlatline(fleet([{ at: '1m', do: 'reset-connections', share: '25%' }]))).trace));
    expect(await once()).toEqual(await once());
  });

  it('reset-connections with no share resets every member', async () => {
    const result = await runFlatline(fleet([{ at: '1m', do: 'reset-connections' }]));
    expect(who(dead(result.trace, 'ECONNRESET'))).toHaveLength(20);
    expect(result.trace.find((e) => e.type === 'server.connections.reset')).toEqual({ t: 60_000, source: 'fleet', type: 'server.connections.reset', count: 20 });
  });

  it('stop-accepting keeps the live connections; reset while it lasts, every member is refused until resume-accepting, and back at its next attempt after it', async () => {
    const result = await runFlatline(fleet([{ at: '1m', do: 'stop-accepting' }, { at: '2m', do: 'reset-connections' }, { at: '3m', do: 'resume-accepting' }], { checks: [{ check: 'herd' }] }));
    expect(result.error).toBeUndefined();
    expect(dead(result.trace).filter((e) => e.t < 120_000)).toEqual([]);
    expect(who(dead(result.trace, 'ECONNRESET').filter((e) => e.t === 120_000))).toHaveLength(20);
    const refused = dead(result.trace, 'ECONNREFUSED');
    expect(who(refused)).toHaveLength(20);
    expect(refused.every((e) => e.t >= 120_000 && e.t < 180_000)).toBe(true);
    const back = result.trace.filter((e) => e.type === 'connected' && e.t > 120_000);
    expect(who(back)).toHaveLength(20);
    expect(Math.min(...back.map((e) => e.t))).toBeGreaterThanOrEqual(180_000);
    expect(result.trace.filter((e) => e.source === 'fleet').map((e) => [e.t, e.type])).toEqual([
      [60_000, 'server.accepting.stopped'],
      [120_000, 'server.connections.reset'],
      [180_000, 'server.accepting.resumed'],
    ]);
  });

  it("stop-accepting in drop mode (a full accept queue) refuses no one: each member's SYNs go unanswered until one after resume-accepting gets in", async () => {
    const result = await runFlatline(fleet([{ at: '1m', do: 'stop-accepting', mode: 'drop' }, { at: '2m', do: 'reset-connections' }, { at: '2m5s', do: 'resume-accepting' }], { checks: [{ check: 'herd' }] }));
    expect(result.error).toBeUndefined();
    expect(dead(result.trace, 'ECONNREFUSED')).toEqual([]);
    const back = result.trace.filter((e) => e.type === 'connected' && e.t > 120_000);
    expect(who(back)).toHaveLength(20);
    // the SYN sent at 120 s is retransmitted at 121, 123 and 127 s (Linux's 1 s initial RTO, doubling): the one at 127 s, within the client's 10 s connect timeout, meets the open door
    expect(back.map((e) => e.t)).toEqual(new Array(20).fill(127_000));
  });

  it('are refused on kernel sockets before the run, naming the step', async () => {
    const result = await runFlatline(fleet([{ at: '1m', do: 'stop-accepting', mode: 'drop' }], { network: { substrate: 'kernel' } }));
    expect(result.status).toBe('error');
    expect(result.error?.message).toMatch(/timeline\[1\] "stop-accepting" at "1m" needs the simulated network/);
  });
});
