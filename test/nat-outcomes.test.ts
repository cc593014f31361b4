import { describe, expect, it } from 'vitest';
import { runScenario } from '../harness/scenario/runner.ts';
import type { NatSpec } from '../harness/scenario/nat-spec.ts';
import type { Scenario, Step } from '../harness/scenario/scenario.ts';
import type { TraceEvent } from '../harness/trace/trace.ts';
import { runPush } from './support/push-world.ts';

/**
 * Every outcome of a NAT's expiry (README, "A NAT on the simulated path"), at scenario level, run
 * against both the reference tcp client and raw mqtt.js from one table, as MQTT.js runs one suite
 * against every transport. The NAT forgets the mapping at 4 min; the client's next packet is a
 * message at 4m30s, before its 5 min heartbeat. Each row says what the client and the server
 * observe and when: error, detection, reconnect, and the message delivered or not.
 */
type Kind = 'tcp' | 'mqttjs';

/** Heartbeat H = 5 min for both: the tcp client waits 10 s for the reply; mqtt.js gives up 1.5 x keepalive after the last ack. */
const OPTIONS: Record<Kind, Record<string, unknown>> = { tcp: { heartbeat: { interval: '5m', timeout: '10s' } }, mqttjs: { keepalive: 300 } };

async function run(kind: Kind, nat: NatSpec, timeline: Step[], more: { options?: Record<string, unknown>; server?: Scenario['server']; horizon?: string } = {}) {
  const result = await runScenario(
    {
      name: 'nat outcome',
      subject: { kind, options: more.options ?? OPTIONS[kind] },
      server: more.server,
      network: { nat },
      timeline: [{ at: 0, do: 'connect' }, ...timeline],
      checks: [{ check: 'keepalive', window: '7m' }],
      horizon: more.horizon ?? '8m',
    },
    { seed: 1, file: 'nat-outcomes.test.ts' },
  );
  expect(result.error).toBeUndefined();
  return result.trace;
}

/** What each end observed and when, as `t who what` lines, after the opening both share (accepted and connected at 0). */
function story(trace: readonly TraceEvent[], opening = ['0s server accepted', '0s client connected']): string[] {
  const CLIENT: Record<string, string> = { 'client:subject': 'client', 'client:publisher': 'publisher' };
  const line = (e: TraceEvent) => {
    const at = `${e.t / 1000}s`;
    const who = CLIENT[e.source];
    if (who) {
      if (e.type === 'link.dead') return `${at} ${who} dead: ${String(e.reason)}`;
      if (e.type === 'connected') return `${at} ${who} connected`;
      return `${at} ${who} ${e.type === 'message.received' ? 'received' : 'acked'} ${String(e.id)}`;
    }
    if (e.type === 'message.delivered') return `${at} server got ${String(e.id)}`;
    return e.type === 'server.accepted' ? `${at} server accepted` : `${at} server closed: ${String(e.reason)}`;
  };
  const observed = (e: TraceEvent) =>
    (e.source === 'client:subject' && ['link.dead', 'connected', 'message.received'].includes(e.type)) ||
    (e.source === 'client:publisher' && ['link.dead', 'connected', 'message.acked'].includes(e.type)) ||
    ['server.accepted', 'server.closed', 'message.delivered'].includes(e.type);
  const lines = trace.filter(observed).map(line);
  expect(lines.slice(0, opening.length)).toEqual(opening);
  return lines.slice(opening.length);
}

/** What the NAT did up to the first packet after expiry (`until`; the client's at 4m30s by default), reconnects aside: each kind of event once. */
const natStory = (trace: readonly TraceEvent[], until = 270_000) => [
  ...new Set(trace.filter((e) => e.source === 'nat:subject-nat' && e.t > 0 && e.t <= until && e.type !== 'nat.flushed' && e.by !== 'syn').map((e) => `${e.t / 1000}s ${e.type}${e.by ? ` by ${String(e.by)}` : ''}${e.side ? ` to ${String(e.side)}` : ''}`)),
];

interface Row {
  outcome: string;
  /** The NAT, by profile or settings; `timeout` is added per run. */
  nat: (timeout: string) => NatSpec;
  /** What the NAT does with the client's first packet after expiry. */
  met: string[];
  story: Record<Kind, string[]>;
}

const RESET = { tcp: 'ECONNRESET', mqttjs: 'read ECONNRESET' };
/** The tcp client resends its outbox on the reconnect it makes at once; mqtt.js reconnects after reconnectPeriod (1 s) with the same client id, and aedes closing the old session's connection is how the broker first hears of the break. */
const afterReset = {
  tcp: [`270s client dead: ${RESET.tcp}`, '270s server accepted', '270s client connected', '270s server got subject-1'],
  mqttjs: [`270s client dead: ${RESET.mqttjs}`, '271s server closed: connection closed', '271s server accepted', '271s client connected', '271s server got subject-1'],
};
/** Nothing answers: the tcp client's heartbeat at 5m times out 10 s later; mqtt.js gives up 1.5 x keepalive after its last ack (0 s), and aedes, which heard nothing since, at the same time. */
const unanswered = {
  tcp: ['310s client dead: heartbeat timeout: no reply within 10s', '310s server accepted', '310s client connected', '310s server got subject-1'],
  mqttjs: ['450s client dead: keepalive timeout: no PINGRESP within 1.5 x keepalive', '450.001s server closed: keep alive timeout', '451s server accepted', '451s client connected', '451s server got subject-1'],
};

const ROWS: Row[] = [
  {
    outcome: 'loose pickup, port kept (Linux defaults): the connection goes on and the message arrives',
    nat: (timeout) => ({ profile: 'linux-conntrack', timeout }),
    met: ['270s nat.mapping.created by pickup'],
    story: { tcp: ['270s server got subject-1'], mqttjs: ['270s server got subject-1'] },
  },
  {
    outcome: "pickup on a new port (carrier-grade): the server's kernel answers RST at once; the server application hears nothing",
    nat: (timeout) => ({ profile: 'carrier-grade', timeout }),
    met: ['270s nat.mapping.created by pickup'],
    story: afterReset,
  },
  {
    outcome: 'the NAT answers RST (AWS NAT Gateway); the server hears nothing',
    nat: (timeout) => ({ profile: 'aws-nat-gateway', timeout }),
    met: ['270s nat.reset.sent to inside'],
    story: afterReset,
  },
  {
    outcome: 'dropped by a filter (strict Linux router): the client retransmits into nothing until its heartbeat gives up',
    nat: (timeout) => ({ profile: 'linux-strict', timeout }),
    met: ['270s nat.dropped'],
    story: unanswered,
  },
  {
    outcome: 'leaked un-NATed (no pickup, no filter): no answer ever comes',
    nat: (timeout) => ({ timeout, loose: false, filter: false }),
    met: ['270s nat.leaked'],
    story: unanswered,
  },
];

describe.each(['tcp', 'mqttjs'] as const)("a NAT's expiry at 4m, the client's message at 4m30s its first packet after (%s)", (kind) => {
  it.each(ROWS.map((r) => [r.outcome, r] as const))('%s', async (_outcome, row) => {
    const trace = await run(kind, row.nat('4m'), [{ at: '4m30s', do: 'send' }]);
    expect(story(trace)).toEqual(row.story[kind]);
    expect(natStory(trace)).toEqual(['240s nat.expired', ...row.met]);
  });

  it.each(ROWS.map((r) => [r.outcome, r] as const))('nat-flush at 4m is exactly expiry: %s', async (_outcome, row) => {
    const trace = await run(kind, row.nat('1h'), [{ at: '4m', do: 'nat-flush' }, { at: '4m30s', do: 'send' }]);
    expect(story(trace)).toEqual(row.story[kind]);
    expect(natStory(trace)).toEqual(['240s nat.expired', ...row.met]);
  });

  it('a close after expiry: a FIN never re-creates the mapping, so only what goes before it reaches the server', async () => {
    const trace = await run(kind, { profile: 'linux-conntrack', timeout: '4m' }, [{ at: '4m30s', do: 'disconnect' }]);
    if (kind === 'tcp') {
      // the reference tcp client closes with a bare FIN: it leaks, and the server (no ping of its own) keeps its end open
      expect(story(trace)).toEqual([]);
      expect(natStory(trace)).toEqual(['240s nat.expired', '270s nat.leaked']);
    } else {
      // mqtt.js sends DISCONNECT first: data, which the loose NAT picks up, and the FIN follows on that mapping
      expect(story(trace)).toEqual(['270s server closed: connection closed']);
      expect(natStory(trace)).toEqual(['240s nat.expired', '270s nat.mapping.created by pickup']);
    }
  });
});

/**
 * The server speaking first after expiry, with the client's own heartbeat out of the way (1 h), until
 * 21m: what the server side does then and what the client never hears of. For the tcp client it is
 * the reference server's ping (every 5 min of quiet, a reply within 10 s). For mqtt.js it is the IM
 * push: at 5m another mqtt.js client, on a host of its own (no NAT), publishes (QoS 1) to the topic
 * the subject subscribes to, and aedes forwards it. Both servers sit behind the run's proxy, so what
 * the NAT does to the server's packet reaches the server as the proxy closing its side.
 */
const PUSH_AT = 300_000;
const serverFirst: Record<Kind, (nat: NatSpec) => Promise<TraceEvent[]>> = {
  tcp: (nat) => run('tcp', nat, [], { options: { heartbeat: { interval: '1h', timeout: '10s' } }, server: { ping: { interval: '5m', timeout: '10s' } }, horizon: '21m' }),
  mqttjs: (nat) => runPush({ nat, subscriber: { keepalive: 3600 }, publishAtMs: PUSH_AT, horizonMs: 21 * 60_000 }),
};
/** The push world's opening: the publisher connects first, then the subject. */
const PUSH_OPENING = ['0s server accepted', '0s publisher connected', '0s server accepted', '0s client connected'];
/** The publisher's message reaches the broker and is acked at once, whatever becomes of it after. */
const pushed = ['300s publisher acked publisher-1', '300s server got publisher-1'];

interface ServerFirstRow {
  outcome: string;
  nat: NatSpec;
  /** What the NAT does up to the server's packet at 5m, and with it. */
  met: string[];
  story: Record<Kind, string[]>;
}

const SERVER_FIRST: ServerFirstRow[] = [
  {
    outcome: 'the mapping still there (a 1h timeout): the ping is answered, the push arrives',
    nat: { profile: 'linux-conntrack', timeout: '1h' },
    met: ['300s nat.refreshed by outside'],
    story: { tcp: [], mqttjs: [...pushed, '300s client received publisher-1'] },
  },
  {
    outcome: 'no filter (Linux defaults): the router answers the server with RST; the client is never told, and the push is lost',
    nat: { profile: 'linux-conntrack', timeout: '4m' },
    met: ['240s nat.expired', '300s nat.reset.sent to outside'],
    story: { tcp: ['300s server closed: connection closed'], mqttjs: [...pushed, '300s server closed: connection closed'] },
  },
  {
    // 924.6 s: Linux's tcp_retries2 = 15 from the 200 ms RTO floor, doubling to the 120 s ceiling (harness/sim/tcp)
    outcome: "a filter (strict Linux router): dropped; the server gives up on its own ping, or, with none (aedes), on TCP's ETIMEDOUT 924.6 s later; the client is never told",
    nat: { profile: 'linux-strict', timeout: '4m' },
    met: ['240s nat.expired', '300s nat.dropped'],
    story: { tcp: ['310s server closed: server ping: heartbeat timeout: no reply within 10s'], mqttjs: [...pushed, '1224.6s server closed: connection closed'] },
  },
];

describe.each(['tcp', 'mqttjs'] as const)("the server's packet at 5m its first after a NAT's expiry at 4m (%s)", (kind) => {
  it.each(SERVER_FIRST.map((r) => [r.outcome, r] as const))('%s', async (_outcome, row) => {
    const trace = await serverFirst[kind](row.nat);
    expect(story(trace, kind === 'mqttjs' ? PUSH_OPENING : undefined)).toEqual(row.story[kind]);
    expect(natStory(trace, PUSH_AT)).toEqual(row.met);
  });
});

it('the push is lost for good (mqttjs): the subject first hears of the break at its own next packet, its keepalive at 1h, and its new session never gets publisher-1', async () => {
  const trace = await runPush({ nat: { profile: 'linux-conntrack', timeout: '4m' }, subscriber: { keepalive: 3600 }, publishAtMs: PUSH_AT, horizonMs: 62 * 60_000 });
  expect(story(trace, PUSH_OPENING)).toEqual([...pushed, '300s server closed: connection closed', '3600s client dead: read ECONNRESET', '3601s server accepted', '3601s client connected']);
});

/**
 * Traffic the server side starts is all a mapping needs: its packets refresh it, and so do the
 * client's answers. Behind a strict 5m NAT, where an expiry would break the connection for good,
 * the server's ping (tcp) or a push (mqtt.js, its own keepalive off) every 4m holds it for a day
 * while the client never speaks first (the tcp client's heartbeat waits for 1h without inbound traffic).
 */
describe('server-started traffic every 4m keeps a strict 5m NAT\'s mapping for 24h', () => {
  const DAY = 24 * 60 * 60_000;
  const strict: NatSpec = { profile: 'linux-strict', timeout: '5m' };
  const held = (trace: readonly TraceEvent[]) => {
    expect(trace.filter((e) => e.type === 'nat.expired' || e.type === 'link.dead' || e.type === 'server.closed')).toEqual([]);
    const refreshed = trace.filter((e) => e.type === 'nat.refreshed');
    expect(refreshed.every((e) => e.by === 'outside' && e.idleMs === 240_000)).toBe(true);
    return refreshed.length;
  };

  it('tcp: the server pings every 4m, the client answers; 360 refreshes, each after 4m of quiet', async () => {
    const trace = await run('tcp', strict, [], { options: { heartbeat: { interval: '1h', timeout: '10s' } }, server: { ping: { interval: '4m', timeout: '10s' } }, horizon: '24h' });
    expect(held(trace)).toBe(DAY / 240_000);
    expect(trace.some((e) => e.source === 'client:subject' && e.type === 'heartbeat.sent')).toBe(false);
  });

  it('mqttjs: a push every 4m reaches the subscriber, all 360 of them', async () => {
    const trace = await runPush({ nat: strict, subscriber: { keepalive: 0 }, publishAtMs: 240_000, publishEveryMs: 240_000, horizonMs: DAY });
    expect(held(trace)).toBe(DAY / 240_000);
    expect(trace.filter((e) => e.type === 'message.received')).toHaveLength(DAY / 240_000);
  });
});
