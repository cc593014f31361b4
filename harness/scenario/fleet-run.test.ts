import { describe, expect, it } from 'vitest';
import { fleetMembers, shareMembers } from '../fleet/members.ts';
import { fleetMetrics, totalWasted } from '../fleet/metrics.ts';
import { Rng } from '../util/rng.ts';
import { backoffBounds, resolveBackoffOptions } from '../policy/backoff.ts';
import type { TraceEvent } from '../trace/trace.ts';
import { memberAddress, natAddress } from './fleet-topology.ts';
import { runFlatline } from './run-flatline.ts';
import type { FleetScenario } from './scenario.ts';

const CRASH = 60_000;

/** A fleet connects over 10 s, the server crashes at 1m and comes back 30 s later. */
const storm = (fleet: FleetScenario['fleet'], extra: Partial<FleetScenario> = {}): FleetScenario => ({
  name: 'restart storm',
  fleet,
  timeline: [
    { at: '0s', do: 'connect' },
    { at: '1m', do: 'stop-server', mode: 'crash' },
    { at: '1m30s', do: 'start-server' },
  ],
  checks: [{ check: 'herd' }],
  horizon: '5m',
  ...extra,
});

const tcp = (backoff: Record<string, unknown>, size = 200) => ({ size, subject: { kind: 'tcp' as const, options: { backoff } }, connect: { spread: '10s' } });

const attemptsAfter = (trace: TraceEvent[], at: number) => trace.filter((e) => e.type === 'connect.attempt' && e.t >= at);
const members = (size: number, kind = 'tcp') => new Set(Array.from({ length: size }, (_, i) => `${kind}-${i}`));

describe('a fleet through a server restart', () => {
  it('without jitter reconnects in one spike at each instant of the schedule, and all come back together', async () => {
    const result = await runFlatline(storm(tcp({ jitter: 'none' })));
    expect(result.error).toBeUndefined();
    // The reference schedule: at once, then 2, 4, 8, 16, 32 s after each failure (0, 2, 6, 14, 30, 62 s after the loss).
    const instants = [...new Set(attemptsAfter(result.trace, CRASH).map((e) => e.t - CRASH))];
    expect(instants).toEqual([0, 2_000, 6_000, 14_000, 30_000, 62_000]);
    const m = fleetMetrics(result.trace, members(200), CRASH);
    expect(m.rate.filter((n) => n > 0)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(m.peak).toBe(200);
    expect(m.backMs).toEqual(new Array(200).fill(62_000));
    expect(m.peakReconnects).toBe(200);
    expect(m.wasted).toEqual({ refused: 1000, timedOut: 0, other: 0 });
    // 1,200 attempts over 63 s: an even spread would be 19/s, the spike is 200.
    expect(m.herdFactor).toBeCloseTo(200 / (1200 / 63), 1);
    expect(result.verdicts[0]).toMatchObject({ check: 'herd', status: 'pass', measured: { affected: 200, back: 200, peak: 200, back99: 62_000 } });
  });

  it('with full jitter spreads every retry within [0, expo] and keeps the peak far below the fleet', async () => {
    const backoff = { jitter: 'full', immediateFirst: false } as const;
    const result = await runFlatline(storm(tcp(backoff)));
    const policy = resolveBackoffOptions(backoff);
    const scheduled = result.trace.filter((e) => e.type === 'reconnect.scheduled' && e.t >= CRASH);
    expect(scheduled.length).toBeGreaterThan(200);
    for (const e of scheduled) {
      const { min, max } = backoffBounds(policy, Number(e.attempt));
      expect(e.delayMs).toBeGreaterThanOrEqual(min);
      expect(e.delayMs).toBeLessThanOrEqual(max);
    }
    // The first retry draws from U(0, 2 s): its 200 attempts land in the first two seconds, and no second holds them all.
    const m = fleetMetrics(result.trace, members(200), CRASH);
    expect(m.rate[0]! + m.rate[1]!).toBeGreaterThanOrEqual(200);
    expect(m.peak).toBeLessThan(150);
    expect(m.back).toBe(200);
    expect(new Set(m.backMs).size).toBeGreaterThan(50);
    // The server is back at 30 s; the fleet comes back over the minute after it, never more than a tenth in one second.
    expect(m.peakReconnects).toBeLessThanOrEqual(20);
  });

  it('counts add up: every client back exactly once, and no message lost at at-least-once', async () => {
    const result = await runFlatline(
      storm(tcp({ jitter: 'equal' }, 100), {
        timeline: [
          { at: '0s', do: 'connect' },
          { at: '30s', do: 'send', count: 3, every: '10s' },
          { at: '1m', do: 'stop-server', mode: 'crash' },
          { at: '1m10s', do: 'send', count: 2, every: '5s', share: '50%' },
          { at: '1m30s', do: 'start-server' },
        ],
        checks: [{ check: 'herd' }, { check: 'delivery', guarantee: 'at-least-once' }],
      }),
    );
    const [herd, delivery] = result.verdicts;
    expect(herd).toMatchObject({ status: 'pass', measured: { affected: 100, back: 100, mostReconnects: 1 } });
    expect(delivery).toMatchObject({ status: 'pass', measured: { attempted: 400, lost: 0, unresolved: 0 } });
    const connectedAfter = result.trace.filter((e) => e.type === 'connected' && e.t >= CRASH);
    expect(new Set(connectedAfter.map((e) => e.source)).size).toBe(connectedAfter.length);
  });

  it('beyond the server\'s capacity the herd costs time: SYNs dropped, connects timed out, and a slower back99 than with full jitter', async () => {
    const capacity = { server: { capacity: { acceptsPerSecond: 20, backlog: 40 } } };
    const herd = await runFlatline(storm(tcp({ jitter: 'none' }), capacity));
    const spread = await runFlatline(storm(tcp({ jitter: 'full', immediateFirst: false }), capacity));
    const [none, full] = [herd, spread].map((r) => fleetMetrics(r.trace, members(200), CRASH));
    // The 200 SYNs of one instant: 40 fit the backlog, the rest retry on their SYN timer, and those
    // not served within the client's 10 s connect timeout start over 64 s later.
    expect(none!.wasted.timedOut).toBeGreaterThan(full!.wasted.timedOut);
    expect(herd.verdicts[0]!.measured).toMatchObject({ timedOut: none!.wasted.timedOut });
    expect(none!.back99!).toBeGreaterThan(full!.back99! + 30_000);
    for (const m of [none!, full!]) {
      // never more reconnections in a second than the server takes on
      expect(m.peakReconnects).toBeLessThanOrEqual(20);
      // every member back, each once, and every other attempt wasted with its reason
      expect(m).toMatchObject({ affected: 200, back: 200, mostReconnects: 1 });
      expect(m.attempts).toBe(m.back + totalWasted(m));
    }
  });

  it('a NAT flush: behind carrier-grade NATs each member hears an RST at its next heartbeat and reconnects; behind Linux conntrack nothing breaks', async () => {
    const flush = (nat: string): FleetScenario => ({
      name: 'nat flush',
      fleet: { size: 60, subject: { kind: 'tcp', options: { heartbeat: { interval: '30s', timeout: '5s' } } }, connect: { spread: '30s' }, nats: 3 },
      network: { nat },
      timeline: [
        { at: 0, do: 'connect' },
        { at: '2m', do: 'nat-flush' },
      ],
      checks: [{ check: 'herd', after: '2m', back100: '<= 31s' }],
      horizon: '4m',
    });
    const carrier = await runFlatline(flush('carrier-grade'));
    expect(carrier.verdicts[0]).toMatchObject({ status: 'pass', measured: { affected: 60, back: 60, refused: 0, timedOut: 0 } });
    expect(carrier.trace.find((e) => e.type === 'nat.flushed')).toMatchObject({ t: 120_000, source: 'fleet', nats: 3, mappings: 60 });
    // member i behind NAT i mod 3: twenty connections through each before the flush
    const before = carrier.trace.filter((e) => e.type === 'nat.mapping.created' && e.t < 120_000);
    expect(['nat:fleet-nat-0', 'nat:fleet-nat-1', 'nat:fleet-nat-2'].map((nat) => before.filter((e) => e.source === nat).length)).toEqual([20, 20, 20]);
    // the next heartbeat is picked up on a new public port, which the server answers with RST
    const dead = carrier.trace.filter((e) => e.type === 'link.dead');
    expect(dead).toHaveLength(60);
    expect(new Set(dead.map((e) => e.reason))).toEqual(new Set(['ECONNRESET']));
    expect(Math.min(...dead.map((e) => e.t))).toBeGreaterThan(120_000);
    expect(Math.max(...dead.map((e) => e.t))).toBeLessThanOrEqual(150_000 + 10);
    const linux = await runFlatline(flush('linux-conntrack'));
    expect(linux.trace.filter((e) => e.type === 'link.dead')).toHaveLength(0);
    expect(linux.verdicts[0]).toMatchObject({ status: 'error' });
    expect(linux.verdicts[0]!.summary).toContain('no member of the fleet lost its connection');
  });

  it('a share behind NATs of its own: a flush breaks exactly its members, the same seeded members a step\'s share names; the rest talk to the server direct', async () => {
    const fleet = { size: 60, subject: { kind: 'tcp' as const, options: { heartbeat: { interval: '30s', timeout: '5s' } } }, connect: { spread: '30s' } };
    const result = await runFlatline({
      name: 'half behind carrier NATs',
      fleet,
      network: { behind: [{ share: '50%', nat: 'carrier-grade', nats: 2 }] },
      timeline: [
        { at: 0, do: 'connect' },
        { at: '2m', do: 'nat-flush' },
      ],
      checks: [{ check: 'herd', after: '2m', back100: '<= 31s' }],
      horizon: '4m',
    });
    expect(result.verdicts[0]).toMatchObject({ status: 'pass', measured: { affected: 30, back: 30, refused: 0, timedOut: 0 } });
    expect(result.trace.filter((e) => e.type === 'fleet.nats.placed')).toMatchObject([{ count: 2, share: '50%', members: 30, profile: 'carrier-grade' }]);
    const half = shareMembers(fleetMembers(fleet), '50%', new Rng(1).fork('fleet')).map((m) => m.name);
    const dead = result.trace.filter((e) => e.type === 'link.dead').map((e) => e.source.replace('client:', ''));
    expect(dead.sort()).toEqual(half.sort());
    // the share's 30 members split over its two NATs; nobody else's connection went through one
    const mapped = result.trace.filter((e) => e.type === 'nat.mapping.created' && e.t < 120_000);
    expect(['nat:fleet-nat-50%-0', 'nat:fleet-nat-50%-1'].map((nat) => mapped.filter((e) => e.source === nat).length)).toEqual([15, 15]);
  });

  it('a mix with one kind behind carrier-grade NATs and the rest behind Linux conntrack: a flush breaks that kind alone', async () => {
    const result = await runFlatline({
      name: 'ws behind carrier NATs',
      fleet: { size: 40, mix: { tcp: 0.5, ws: 0.5 }, connect: { spread: '30s' } },
      network: { nat: 'linux-conntrack', behind: [{ share: 'ws', nat: 'carrier-grade' }] },
      timeline: [
        { at: 0, do: 'connect' },
        { at: '2m', do: 'nat-flush' },
      ],
      // the mix's default heartbeat is every 3 minutes: every ws member has sent one by 5m
      checks: [{ check: 'herd', subject: 'ws', after: '2m' }],
      horizon: '6m',
    });
    expect(result.verdicts[0]).toMatchObject({ status: 'pass', measured: { affected: 20, back: 20 } });
    expect(result.trace.filter((e) => e.type === 'fleet.nats.placed').map((e) => [e.profile, e.share, e.count])).toEqual([['linux-conntrack', undefined, 1], ['carrier-grade', 'ws', 1]]);
    expect(new Set(result.trace.filter((e) => e.type === 'link.dead').map((e) => e.source.split('-')[0]))).toEqual(new Set(['client:ws']));
  });

  it('a drain closes the connections one by one over its window: the fleet comes back at the drain\'s pace, not in a spike', async () => {
    const result = await runFlatline(storm(tcp({ jitter: 'none' }, 100), {
      timeline: [
        { at: '0s', do: 'connect' },
        { at: '1m', do: 'drain-server', over: '20s' },
      ],
      checks: [{ check: 'herd', peakReconnects: '<= 5/s' }],
      horizon: '2m',
    }));
    expect(result.trace.find((e) => e.type === 'server.draining')).toMatchObject({ t: CRASH, connections: 100, overMs: 20_000 });
    // the herd check is judged from the drain; each client, told goodbye, reconnects at once to the server still listening
    expect(result.verdicts[0]).toMatchObject({ status: 'pass', measured: { at: CRASH, affected: 100, back: 100, wasted: 0, peakReconnects: 5, mostReconnects: 1 } });
    const m = fleetMetrics(result.trace, members(100), CRASH);
    expect(m.backMs).toEqual(Array.from({ length: 100 }, (_, i) => i * 200));
  });

  it('a drain of a server that cannot close one connection alone is an error naming it', async () => {
    const result = await runFlatline(storm({ size: 2, subject: { kind: 'mqttjs' } }, { timeline: [{ at: 0, do: 'connect' }, { at: '10s', do: 'drain-server', over: '5s' }] }));
    expect(result.error?.message).toContain('drain-server: the mqtt server "server" cannot close its connections one at a time; use stop-server with mode "graceful"');
  });

  it('a failover to a hot standby: no member hears of it until its next heartbeat meets the standby\'s RST, and then it reconnects to the standby at once', async () => {
    const result = await runFlatline({
      name: 'failover',
      fleet: { size: 50, subject: { kind: 'tcp', options: { heartbeat: { interval: '30s', timeout: '5s' } } }, connect: { spread: '30s' } },
      timeline: [
        { at: 0, do: 'connect' },
        { at: '1m', do: 'failover' },
      ],
      checks: [{ check: 'herd', back100: '<= 30s' }],
      horizon: '3m',
    });
    expect(result.trace.find((e) => e.type === 'server.failover')).toMatchObject({ t: 60_000, source: 'fleet' });
    expect(result.verdicts[0]).toMatchObject({ status: 'pass', measured: { at: 60_000, affected: 50, back: 50, wasted: 0, mostReconnects: 1 } });
    const dead = result.trace.filter((e) => e.type === 'link.dead');
    expect(new Set(dead.map((e) => e.reason))).toEqual(new Set(['ECONNRESET']));
    // no FIN, no goodbye: each finds out at its own heartbeat, spread as their connects were
    expect(Math.min(...dead.map((e) => e.t))).toBeGreaterThan(60_000);
    expect(Math.max(...dead.map((e) => e.t))).toBeLessThanOrEqual(90_000);
    expect(new Set(dead.map((e) => e.t)).size).toBeGreaterThan(25);
  });

  it('a failover whose standby takes over 10 s later: nothing answers in the gap, no member is back before the takeover, and those who noticed in the gap come back together', async () => {
    const failover = (gap: string) =>
      runFlatline({
        name: 'failover with a gap',
        fleet: { size: 50, subject: { kind: 'tcp', options: { heartbeat: { interval: '30s', timeout: '5s' } } }, connect: { spread: '30s' } },
        timeline: [
          { at: 0, do: 'connect' },
          { at: '1m', do: 'failover', gap },
        ],
        checks: [{ check: 'herd', back100: '<= 30s' }],
        horizon: '3m',
      });
    const [gap, none] = [await failover('10s'), await failover('0s')];
    expect(gap.trace.filter((e) => e.source === 'fleet').map((e) => [e.type, e.t])).toEqual([['server.failover', 60_000], ['server.takeover', 70_000]]);
    const [m, m0] = [gap, none].map((r) => fleetMetrics(r.trace, members(50), 60_000));
    expect(m).toMatchObject({ affected: 50, back: 50, mostReconnects: 1, wasted: { refused: 0, timedOut: 0, other: 0 } });
    // in the gap a heartbeat meets silence, not an RST: its reply times out and the reconnect's SYNs go unanswered until the takeover
    const dead = gap.trace.filter((e) => e.type === 'link.dead');
    const timedOut = dead.filter((e) => String(e.reason).startsWith('heartbeat timeout'));
    expect(timedOut.length).toBeGreaterThan(5);
    expect(timedOut.every((e) => e.t > 65_000 && e.t < 75_000)).toBe(true);
    expect(dead.filter((e) => e.reason === 'ECONNRESET').every((e) => e.t > 70_000)).toBe(true);
    expect(Math.min(...m!.backMs)).toBeGreaterThan(10_000);
    // without a gap every member finds the standby at its own heartbeat, two a second; with one they pile up at the takeover
    expect(Math.min(...m0!.backMs)).toBeLessThan(1_000);
    expect(m0!.peakReconnects).toBe(2);
    expect(m!.peakReconnects).toBe(10);
  });

  it('gives every NAT a public address of its own, 100,000 of them distinct', () => {
    expect([natAddress(0), natAddress(65_535)]).toEqual(['198.18.0.1', '198.19.0.0']);
    expect(new Set(Array.from({ length: 100_000 }, (_, i) => natAddress(i))).size).toBe(100_000);
  });

  it('a capacity on kernel sockets is refused, naming the field', async () => {
    const result = await runFlatline(storm(tcp({}, 5), { server: { capacity: { backlog: 10 } }, network: { substrate: 'kernel' } }));
    expect(result.error?.message).toContain("server.capacity models the server's accept queue on the simulated network");
  });

  it('a bound the storm breaks fails the herd check, naming it', async () => {
    const result = await runFlatline(storm(tcp({ jitter: 'none' }, 50), { checks: [{ check: 'herd', peak: '<= 20/s', back99: '<= 90s' }] }));
    expect(result.verdicts[0]).toMatchObject({ status: 'fail', bound: { peak: 20, back99: 90_000 } });
    expect(result.verdicts[0]!.summary).toContain('over the bound: peak 50/s > 20/s');
    const reconnects = await runFlatline(storm(tcp({ jitter: 'none' }, 50), { checks: [{ check: 'herd', peakReconnects: '<= 10/s' }] }));
    expect(reconnects.verdicts[0]).toMatchObject({ status: 'fail', measured: { peakReconnects: 50 }, bound: { peakReconnects: 10 } });
  });

  it('a mix gives each kind its share and its own server, and the herd check judges one kind', async () => {
    const result = await runFlatline(
      storm({ size: 40, mix: { tcp: 0.75, ws: 0.25 } }, { checks: [{ check: 'herd', subject: 'ws' }, { check: 'herd', subject: 'tcp' }] }),
    );
    expect(result.subject).toBe('tcp+ws');
    const [ws, tcpVerdict] = result.verdicts;
    expect(ws).toMatchObject({ status: 'pass', measured: { affected: 10, back: 10 } });
    expect(tcpVerdict).toMatchObject({ status: 'pass', measured: { affected: 30, back: 30 } });
    expect(ws!.summary).toMatch(/^the ws clients: /);
    expect(new Set(result.trace.filter((e) => e.type === 'server.started').map((e) => e.source))).toEqual(new Set(['server:server-tcp', 'server:server-ws']));
  });

  it('same seed, same trace; a percentage share is the same members every run', async () => {
    const scenario = storm(tcp({ jitter: 'decorrelated' }, 60), {
      timeline: [
        { at: '0s', do: 'connect', share: '50%' },
        { at: '20s', do: 'connect', share: '50%' },
        { at: '1m', do: 'stop-server' },
        { at: '1m30s', do: 'start-server' },
      ],
    });
    const [a, b] = [await runFlatline(scenario), await runFlatline(scenario)];
    expect(JSON.stringify(a.trace)).toBe(JSON.stringify(b.trace));
    // Half the fleet connected: the second connect step chose the same half, which was connected already.
    expect(a.verdicts[0]).toMatchObject({ status: 'pass', measured: { affected: 30 } });
    expect((await runFlatline(scenario, { seed: 2 })).trace).not.toEqual(a.trace);
  });

  it('gives every member a host address of its own, 100,000 of them distinct', () => {
    expect([memberAddress(0), memberAddress(254), memberAddress(65_535)]).toEqual(['10.100.0.1', '10.100.0.255', '10.101.0.0']);
    expect(new Set(Array.from({ length: 100_000 }, (_, i) => memberAddress(i))).size).toBe(100_000);
  });

  it('a partition of a share cuts those members alone: they notice by their heartbeat and come back after the heal', async () => {
    const result = await runFlatline({
      name: 'partition',
      fleet: { size: 40, subject: { kind: 'tcp', options: { heartbeat: { interval: '30s', timeout: '5s' } } } },
      timeline: [
        { at: 0, do: 'connect' },
        { at: '1m', do: 'partition', share: '25%' },
        { at: '3m', do: 'heal', share: '25%' },
      ],
      checks: [{ check: 'herd', after: '1m', back99: '<= 3m' }],
      horizon: '6m',
    });
    expect(result.verdicts[0]).toMatchObject({ status: 'pass', measured: { affected: 10, back: 10 } });
    const dead = new Set(result.trace.filter((e) => e.type === 'link.dead').map((e) => e.source));
    expect(dead.size).toBe(10);
    // noticed within H + T of the cut, back only once the path is healed
    const firstDead = Math.min(...result.trace.filter((e) => e.type === 'link.dead').map((e) => e.t));
    expect(firstDead).toBeGreaterThan(60_000);
    expect(firstDead).toBeLessThanOrEqual(60_000 + 35_000);
    expect(result.verdicts[0]!.measured.back50 as number).toBeGreaterThanOrEqual(120_000);
  });
});
