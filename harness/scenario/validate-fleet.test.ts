import { describe, expect, it } from 'vitest';
import '../subjects/index.ts';
import type { Scenario } from './scenario.ts';
import { validateScenario } from './validate.ts';

const FILE = 'fleet.scenario.ts';

const base = {
  name: 'storm',
  fleet: { size: 100, subject: { kind: 'tcp' } },
  timeline: [
    { at: 0, do: 'connect' },
    { at: '1m', do: 'stop-server' },
  ],
  checks: [{ check: 'herd', peak: '<= 200/s' }],
  horizon: '5m',
};

function messageOf(patch: Record<string, unknown>): string {
  try {
    validateScenario({ ...base, ...patch } as unknown as Scenario, FILE);
  } catch (err) {
    return (err as Error).message;
  }
  return 'accepted';
}
const fleet = (f: Record<string, unknown>) => ({ fleet: { ...base.fleet, ...f } });

describe('a fleet scenario that is wrong says what and where', () => {
  it('accepts the base fleet', () => {
    expect(messageOf({})).toBe('accepted');
    expect(messageOf(fleet({ subject: undefined, mix: { tcp: 0.7, ws: 0.2, mqttjs: 0.1 } }))).toBe('accepted');
    expect(messageOf({ server: { capacity: { acceptsPerSecond: 12.5, handshake: '5ms', backlog: 4096 } } })).toBe('accepted');
    expect(messageOf({ timeline: [{ at: 0, do: 'connect' }, { at: '4m', do: 'failover', gap: '1m' }] })).toBe('accepted');
    expect(messageOf({ network: { behind: [{ share: '30%', nat: 'carrier-grade', nats: 2 }] }, timeline: [...base.timeline, { at: '2m', do: 'nat-flush' }] })).toBe('accepted');
    expect(messageOf({ fleet: { ...base.fleet, nats: 100 }, network: { nat: 'carrier-grade' }, timeline: [...base.timeline, { at: '2m', do: 'nat-flush' }] })).toBe('accepted');
  });

  it.each([
    ['a size of 0', fleet({ size: 0 }), 'fleet.size: must be a whole number of clients from 1 to 100000 (got 0)'],
    ['a size above the maximum', fleet({ size: 100_001 }), 'fleet.size: must be a whole number of clients from 1 to 100000 (got 100001)'],
    ['a fractional size', fleet({ size: 2.5 }), 'fleet.size: must be a whole number of clients'],
    ['both a subject and a mix', fleet({ mix: { tcp: 1 } }), 'fleet: give the fleet either a subject or a mix of subject kinds, one of them'],
    ['neither', fleet({ subject: undefined }), 'fleet: give the fleet either a subject or a mix'],
    ['shares that do not add up', fleet({ subject: undefined, mix: { tcp: 0.5, ws: 0.3 } }), 'fleet.mix: the shares must add up to 1 (they add up to 0.8)'],
    ['a share of 0', fleet({ subject: undefined, mix: { tcp: 1, ws: 0 } }), 'fleet.mix.ws: must be a share of the fleet above 0 and at most 1 (got 0)'],
    ['an unknown kind in the mix', fleet({ subject: undefined, mix: { tcp: 0.5, tpc: 0.5 } }), 'fleet.mix.tpc: unknown subject "tpc"'],
    ['an unknown subject', fleet({ subject: { kind: 'wss' } }), 'fleet.subject.kind: unknown subject "wss"; did you mean "ws"?'],
    ['a bad subject option', fleet({ subject: { kind: 'tcp', options: { backof: {} } } }), 'fleet.subject.options.backof: unknown field; did you mean "backoff"?'],
    ['a misspelt fleet field', fleet({ sise: 3 }), 'fleet.sise: unknown field; did you mean "size"?'],
    ['a share for a kind not in the fleet', { timeline: [{ at: 0, do: 'connect', share: 'ws' }] }, 'timeline[0].share: "ws" is neither a percentage like "10%" nor a subject kind of this fleet (tcp)'],
    ['a share above 100%', { timeline: [{ at: 0, do: 'connect', share: '150%' }] }, 'timeline[0].share: "150%": a share is above 0% and at most 100%'],
    ['a share that rounds to no client', { timeline: [{ at: 0, do: 'connect', share: '0.1%' }] }, 'timeline[0].share: 0.1% of 100 clients is no client; give a larger share'],
    ['a partition of a share the fleet lacks', { timeline: [{ at: 0, do: 'partition', share: 'mqttjs' }] }, 'timeline[0].share: "mqttjs" is neither a percentage like "10%" nor a subject kind of this fleet (tcp)'],
    ['a share on a server step', { timeline: [{ at: 0, do: 'stop-server', share: '10%' }] }, 'timeline[0].share: unknown field'],
    ['a reset-connections of a share the fleet lacks', { timeline: [{ at: '1m', do: 'reset-connections', share: 'ws' }] }, 'timeline[0].share: "ws" is neither a percentage like "10%" nor a subject kind of this fleet (tcp)'],
    ['a reset-connections of a share that rounds to no client', { timeline: [{ at: '1m', do: 'reset-connections', share: '0.4%' }] }, 'timeline[0].share: 0.4% of 100 clients is no client; give a larger share'],
    ['a share on stop-accepting (it turns everyone away)', { timeline: [{ at: '1m', do: 'stop-accepting', share: '10%' }] }, 'timeline[0].share: unknown field'],
    ['a stop-accepting mode that is none', { timeline: [{ at: '1m', do: 'stop-accepting', mode: 'close' }] }, 'timeline[0].mode: "close" is not a way to turn connections away (refuse: a closed listener; drop: a full accept queue) (one of "refuse", "drop")'],
    ['a single-client check', { checks: [{ check: 'backoff' }] }, 'checks[0]: the backoff check judges one client; a fleet is judged with herd and delivery'],
    ['a herd check for a kind not in the fleet', { checks: [{ check: 'herd', subject: 'ws' }] }, 'checks[0].subject: "ws" is not a subject kind of this fleet (tcp)'],
    ['a rate bound without a rate', { checks: [{ check: 'herd', peak: '<= 200' }] }, 'checks[0].peak: "<= 200" is not an upper bound on a rate; write it like "<= 200/s"'],
    ['a time bound that is no time', { checks: [{ check: 'herd', back99: '>= 90s' }] }, 'checks[0].back99: ">= 90s" is not an upper bound on a time; write it like "<= 90s"'],
    ['NATs of no kind', fleet({ nats: 4 }), 'fleet.nats: give network.nat too, the kind of NAT the members stand behind'],
    ['more members behind one NAT than it has ports', { fleet: { ...base.fleet, size: 60_000 }, network: { nat: 'carrier-grade' } }, 'fleet.nats: 60000 members behind one NAT is more than its 28232 public ports hold, one connection each; give fleet.nats at least 3'],
    ['a nat-flush with no NAT', { timeline: [{ at: '1m', do: 'nat-flush' }] }, 'timeline[0]: nat-flush needs NATs to flush; give the fleet network.nat'],
    ['toxics for a fleet', { network: { toxics: [{ type: 'latency', attributes: { latency: 100 } }] } }, 'network.toxics: a fleet talks to its servers with no proxy for toxics to sit on'],
    ['a NAT profile that does not exist', { network: { nat: 'carier-grade' } }, 'network.nat: "carier-grade" is not a NAT profile'],
    ['a capacity that limits nothing', { server: { capacity: {} } }, 'server.capacity: give at least one of backlog, acceptsPerSecond, handshake'],
    ['a backlog of 0', { server: { capacity: { backlog: 0 } } }, 'server.capacity.backlog: must be a whole number of connections from 1 to 100000 (got 0)'],
    ['no accepts at all', { server: { capacity: { acceptsPerSecond: 0 } } }, 'server.capacity.acceptsPerSecond: must be a number of connections a second from 1 to 1000000 (got 0)'],
    ['a handshake of no time', { server: { capacity: { handshake: '0ms' } } }, 'server.capacity.handshake: must be longer than 0'],
    ['a misspelt capacity field', { server: { capacity: { acceptPerSecond: 100 } } }, 'server.capacity.acceptPerSecond: unknown field; did you mean "acceptsPerSecond"?'],
    ['a share behind NATs that the fleet lacks', { network: { behind: [{ share: 'ws', nat: 'carrier-grade' }] } }, 'network.behind[0].share: "ws" is neither a percentage like "10%" nor a subject kind of this fleet (tcp)'],
    ['a share behind NATs twice', { network: { behind: [{ share: '10%', nat: 'carrier-grade' }, { share: '10%', nat: 'linux-conntrack' }] } }, 'network.behind[1].share: "10%" stands behind NATs already (network.behind[0]); give each share once'],
    ['a share behind a NAT that does not exist', { network: { behind: [{ share: '10%', nat: 'carier-grade' }] } }, 'network.behind[0].nat: "carier-grade" is not a NAT profile'],
    ['a share behind a NAT of contradictory settings', { network: { behind: [{ share: '10%', nat: { loose: true } }] } }, 'network.behind[0].nat'],
    ['a share too big for its NAT', { fleet: { ...base.fleet, size: 60_000 }, network: { behind: [{ share: '50%', nat: 'carrier-grade' }] } }, 'network.behind[0].nats: 30000 members behind one NAT is more than its 28232 public ports hold, one connection each; give nats at least 2'],
    ['a share behind no NAT at all', { network: { behind: [{ share: '10%', nat: 'carrier-grade', nats: 0 }] } }, 'network.behind[0].nats: must be a whole number of NATs from 1 to 100000 (got 0)'],
    ['a takeover after the horizon', { timeline: [{ at: 0, do: 'connect' }, { at: '4m', do: 'failover', gap: '2m' }] }, 'timeline[1].gap: the standby would take over at 6m, after the horizon "5m"; shorten the gap or extend the horizon'],
    ['a takeover gap that is no time', { timeline: [{ at: '1m', do: 'failover', gap: 'soon' }] }, 'timeline[0].gap: must be a duration like "3m"'],
  ])('%s', (_, patch, message) => {
    expect(messageOf(patch)).toContain(`${FILE}: scenario "storm": ${message}`);
  });
});
