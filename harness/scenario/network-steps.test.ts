import { describe, expect, it } from 'vitest';
import { RTO_MIN_MS, retransmitBudgetMs, TCP_RETRIES2 } from '../sim/tcp/constants.ts';
import type { TraceEvent } from '../trace/trace.ts';
import { runScenario } from './runner.ts';
import type { Scenario, SingleScenario, Step } from './scenario.ts';

const run = (kind: 'tcp' | 'mqttjs', timeline: Step[], network?: Scenario['network'], more: Partial<SingleScenario> = {}) =>
  runScenario({ name: 'network steps', subject: { kind }, timeline: [{ at: 0, do: 'connect' }, ...timeline], checks: [{ check: 'keepalive', window: '1m' }], horizon: '5m', network, ...more }, { seed: 1, file: 'inline.scenario.ts' });

/** Each subject with its heartbeat out of the way, so TCP alone decides what a partition does. */
const QUIET = { tcp: { heartbeat: { interval: '1h' } }, mqttjs: { keepalive: 0 } } as const;

/** Three messages at 60, 61 and 62 s into a partition from 59 s, healed at `healAt`; the delivery verdict and the story. */
async function partitioned(kind: 'tcp' | 'mqttjs', healAt: string) {
  const result = await run(kind, [{ at: '59s', do: 'partition' }, { at: '1m', do: 'send', count: 3 }, { at: healAt, do: 'heal' }], undefined, {
    subject: { kind, options: QUIET[kind] } as Scenario['subject'],
    checks: [{ check: 'delivery', guarantee: 'at-least-once', ordered: true }],
    horizon: '30m',
  });
  expect(result.error).toBeUndefined();
  const delivered = result.trace.filter((e) => e.type === 'message.delivered');
  const firstDelivery = delivered[0]?.t;
  return { result, story: story(result.trace), delivered: [...new Set(delivered.map((e) => e.id))], firstDelivery };
}

/** The subject's and the server's story, as `t type detail` lines: what each end observed and when. */
const story = (trace: readonly TraceEvent[]) =>
  trace
    .filter((e) => (e.source === 'client:subject' && ['link.dead', 'connected'].includes(e.type)) || e.type === 'server.closed' || e.type === 'server.accepted')
    .map((e) => `${e.t / 1000}s ${e.type}${e.reason ? ` ${String(e.reason)}` : ''}`);

describe('host faults as steps, on the simulated network', () => {
  it('reset-connections: every connection of the server at once; the client hears ECONNRESET at once, the server a close; refused while the server does not accept, connected once it does (tcp client)', async () => {
    const result = await run('tcp', [{ at: '1m', do: 'stop-accepting' }, { at: '2m', do: 'reset-connections' }, { at: '3m', do: 'resume-accepting' }]);
    expect(result.error).toBeUndefined();
    const lines = story(result.trace);
    expect(lines.slice(0, 4)).toEqual(['0s server.accepted', '0s connected', '120s link.dead ECONNRESET', '120s server.closed connection closed']);
    // the reference client's backoff (0, 2, 4, 8, 16 s) meets a closed door until 180 s, then its next try (32 s after 150 s) gets in
    expect(lines.slice(4)).toEqual(['120s link.dead ECONNREFUSED', '122s link.dead ECONNREFUSED', '126s link.dead ECONNREFUSED', '134s link.dead ECONNREFUSED', '150s link.dead ECONNREFUSED', '182s server.accepted', '182s connected']);
    expect(result.trace.find((e) => e.type === 'server.connections.reset')).toMatchObject({ t: 120_000, count: 1 });
  });

  it('the same with raw mqtt.js: ECONNRESET, then reconnects every reconnectPeriod (1 s) that fail at once, connected at the first after 3m', async () => {
    const result = await run('mqttjs', [{ at: '1m', do: 'stop-accepting' }, { at: '2m', do: 'reset-connections' }, { at: '3m', do: 'resume-accepting' }]);
    expect(result.error).toBeUndefined();
    const lines = story(result.trace);
    expect(lines).toEqual(['0s server.accepted', '0s connected', '120s link.dead read ECONNRESET', '120s server.closed connection closed', '181s server.accepted', '181s connected']);
    const attempts = result.trace.filter((e) => e.source === 'client:subject' && e.type === 'connect.attempt' && e.t > 120_000 && e.t < 180_000);
    expect(attempts).toHaveLength(59); // one a second from 121 s to 179 s, each refused
  });

  it('stop-accepting "drop" (a full accept queue): a connect retries its SYN at Linux\'s 1, 2, 4 s and gets in after the resume (tcp client, then raw mqtt.js)', async () => {
    const timeline: Step[] = [{ at: '1m', do: 'stop-accepting', mode: 'drop' }, { at: '2m', do: 'reset-connections' }, { at: '2m30s', do: 'resume-accepting' }];
    const tcp = story((await run('tcp', timeline)).trace);
    // attempts at 120, 132, 146 s; the reference client's 10 s connect timeout ends the first two; the third's SYN retry at 146 + 1 + 2 + 4 s gets in
    expect(tcp.slice(2)).toEqual(['120s link.dead ECONNRESET', '120s server.closed connection closed', '130s link.dead connect timeout after 10000ms', '142s link.dead connect timeout after 10000ms', '153s server.accepted', '153s connected']);
    const mqttjs = story((await run('mqttjs', timeline)).trace);
    // mqtt.js's one attempt at 121 s waits out its 30 s connectTimeout; the next, at 152 s, gets in
    expect(mqttjs.slice(2)).toEqual(['120s link.dead read ECONNRESET', '120s server.closed connection closed', '152s server.accepted', '152s connected']);
  });
});

describe('a partition on the subject\'s path', () => {
  it.each(['tcp', 'mqttjs'] as const)('shorter than the retransmission budget loses nothing: %s\'s bytes arrive in order on the same connection at the first retransmission after the heal', async (kind) => {
    const { result, story, delivered, firstDelivery } = await partitioned(kind, '1m29s');
    expect(result.verdicts[0]).toMatchObject({ check: 'delivery', status: 'pass' });
    expect(delivered).toEqual(['subject-1', 'subject-2', 'subject-3']);
    expect(story).toEqual(['0s server.accepted', '0s connected']); // no break, no reconnect
    // the RTO from Linux's 200 ms floor, doubling: retransmissions at 60 s + 0.2, 0.6, 1.4 ... 25.4, 51 s; the first after the heal at 89 s
    expect(firstDelivery).toBe(60_000 + 51_000);
  });

  it.each(['tcp', 'mqttjs'] as const)('longer than the budget ends in ETIMEDOUT at Linux\'s time (%s): 924.6 s after the first unacknowledged byte', async (kind) => {
    const { story } = await partitioned(kind, '21m');
    expect(story[2]).toBe(`${(60_000 + retransmitBudgetMs(TCP_RETRIES2, RTO_MIN_MS)) / 1000}s link.dead ${kind === 'tcp' ? 'ETIMEDOUT' : 'read ETIMEDOUT'}`);
  });

  it('one way only (upstream): the server hears nothing, and the client\'s heartbeat finds out within interval + timeout', async () => {
    const result = await run('tcp', [{ at: '1m', do: 'partition', direction: 'upstream' }], undefined, { subject: { kind: 'tcp', options: { heartbeat: { interval: '30s', timeout: '5s' } } } });
    const dead = result.trace.find((e) => e.source === 'client:subject' && e.type === 'link.dead');
    expect(dead).toMatchObject({ t: 60_000 + 35_000, reason: 'heartbeat timeout: no reply within 5s' }); // the heartbeat due at 90 s, unanswered by 95 s
  });
});

describe('a degraded path (set-path)', () => {
  it('latency: every heartbeat round trip takes twice the one-way delay; heal puts it back', async () => {
    const result = await run('tcp', [{ at: '1m', do: 'set-path', latency: '400ms' }, { at: '3m', do: 'heal' }], undefined, { subject: { kind: 'tcp', options: { heartbeat: { interval: '30s' } } } });
    const replies = result.trace.filter((e) => e.type === 'heartbeat.reply');
    const rtts = (from: number, to: number) => [...new Set(replies.filter((e) => e.t > from && e.t <= to).map((e) => e.rttMs))];
    expect(rtts(0, 60_000)).toEqual([0]);
    expect(rtts(60_000, 180_000)).toEqual([800]);
    expect(rtts(181_000, 300_000)).toEqual([0]);
  });

  it('loss from the seeded stream: TCP retransmits, every message arrives in order, and the same seed loses the same packets', async () => {
    const lossy = () => run('mqttjs', [{ at: '1m', do: 'set-path', loss: 0.3 }, { at: '1m', do: 'send', count: 20 }], undefined, { checks: [{ check: 'delivery', guarantee: 'at-least-once', ordered: true }] });
    const first = await lossy();
    expect(first.verdicts[0]).toMatchObject({ status: 'pass' });
    const again = await lossy();
    expect(again.trace).toEqual(first.trace);
  });

  it('bandwidth: a burst of messages queues behind the link rate', async () => {
    const slow = await run('tcp', [{ at: '1m', do: 'set-path', bandwidth: 1, direction: 'upstream' }, { at: '1m', do: 'send', count: 5, every: '10ms' }], undefined, { checks: [{ check: 'delivery', guarantee: 'at-least-once', ordered: true }] });
    const fast = await run('tcp', [{ at: '1m', do: 'send', count: 5, every: '10ms' }], undefined, { checks: [{ check: 'delivery', guarantee: 'at-least-once', ordered: true }] });
    const lastDelivery = (r: typeof slow) => r.trace.filter((e) => e.type === 'message.delivered').at(-1)!.t - 60_000;
    expect(lastDelivery(fast)).toBe(40);
    expect(lastDelivery(slow)).toBeGreaterThan(200); // 1 KB/s: each small frame and its 40 header bytes take tens of ms
  });
});

describe('network steps on kernel sockets', () => {
  it('are refused before the run starts, naming the step and saying to use the sim', async () => {
    const result = await run('tcp', [{ at: '1m', do: 'partition' }], { substrate: 'kernel' });
    expect(result.status).toBe('error');
    expect(result.error?.message).toMatch(/timeline\[1\] "partition" at "1m" needs the simulated network.*run with --network sim/);
    expect(result.trace).toEqual([]);
  });

  it('nat-flush without a NAT is an error naming the step', async () => {
    const result = await run('tcp', [{ at: '1m', do: 'nat-flush' }]);
    expect(result.status).toBe('error');
    expect(result.error?.message).toMatch(/nat-flush: the scenario has no NAT; give it network.nat/);
  });
});
