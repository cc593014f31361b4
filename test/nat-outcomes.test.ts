import { describe, expect, it } from 'vitest';
import { runScenario } from '../harness/scenario/runner.ts';
import type { NatSpec } from '../harness/scenario/nat-spec.ts';
import type { Scenario, Step } from '../harness/scenario/scenario.ts';
import type { TraceEvent } from '../harness/trace/trace.ts';

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

async function run(kind: Kind, nat: NatSpec, timeline: Step[], more: { options?: Record<string, unknown>; server?: Scenario['server'] } = {}) {
  const result = await runScenario(
    {
      name: 'nat outcome',
      subject: { kind, options: more.options ?? OPTIONS[kind] },
      server: more.server,
      network: { nat },
      timeline: [{ at: 0, do: 'connect' }, ...timeline],
      checks: [{ check: 'keepalive', window: '7m' }],
      horizon: '8m',
    },
    { seed: 1, file: 'nat-outcomes.test.ts' },
  );
  expect(result.error).toBeUndefined();
  return result.trace;
}

/** What each end observed and when, as `t who what` lines, after the opening both share (accepted and connected at 0). */
function story(trace: readonly TraceEvent[]): string[] {
  const line = (e: TraceEvent) => {
    const at = `${e.t / 1000}s`;
    if (e.source === 'client:subject') return e.type === 'link.dead' ? `${at} client dead: ${String(e.reason)}` : `${at} client connected`;
    if (e.type === 'message.delivered') return `${at} server got ${String(e.id)}`;
    return e.type === 'server.accepted' ? `${at} server accepted` : `${at} server closed: ${String(e.reason)}`;
  };
  const observed = (e: TraceEvent) => (e.source === 'client:subject' && (e.type === 'link.dead' || e.type === 'connected')) || ['server.accepted', 'server.closed', 'message.delivered'].includes(e.type);
  const lines = trace.filter(observed).map(line);
  expect(lines.slice(0, 2)).toEqual(['0s server accepted', '0s client connected']);
  return lines.slice(2);
}

/** What the NAT did up to the first packet after expiry (4m30s), reconnects aside: each kind of event once. */
const natStory = (trace: readonly TraceEvent[]) => [
  ...new Set(trace.filter((e) => e.source === 'nat:subject-nat' && e.t > 0 && e.t <= 270_000 && e.type !== 'nat.flushed' && e.by !== 'syn').map((e) => `${e.t / 1000}s ${e.type}${e.by ? ` by ${String(e.by)}` : ''}${e.side ? ` to ${String(e.side)}` : ''}`)),
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
 * The server speaking first after expiry: the reference tcp server's own ping (every 5 min of quiet,
 * reply within 10 s) with the client's heartbeat out of the way (1 h). An MQTT broker never speaks
 * first (aedes has no ping; it only forwards what clients publish), so this row has no mqtt.js twin.
 */
describe('a NAT\'s expiry at 4m, the server\'s ping at 5m its first packet after (tcp)', () => {
  const serverFirst = (nat: NatSpec) => run('tcp', nat, [], { options: { heartbeat: { interval: '1h', timeout: '10s' } }, server: { ping: { interval: '5m', timeout: '10s' } } });

  it('no filter (Linux defaults): the router answers the server with RST; the client is never told', async () => {
    const trace = await serverFirst({ profile: 'linux-conntrack', timeout: '4m' });
    expect(story(trace)).toEqual(['300s server closed: connection closed']);
    expect(trace.filter((e) => e.type === 'nat.reset.sent').map((e) => [e.t, e.side])).toEqual([[300_000, 'outside']]);
  });

  it('a filter (strict Linux router): the ping is dropped, the server gives up on its own timeout; the client is never told', async () => {
    const trace = await serverFirst({ profile: 'linux-strict', timeout: '4m' });
    expect(story(trace)).toEqual(['310s server closed: server ping: heartbeat timeout: no reply within 10s']);
    expect(trace.some((e) => e.type === 'nat.reset.sent')).toBe(false);
  });
});
