import { describe, expect, it } from 'vitest';
import { isFlatlineError } from '../util/errors.ts';
import { compareHeartbeat, type HeartbeatTiming } from './compare.ts';
import { findProfile, type NatProfile } from './profiles.ts';

const M = 60_000;
const S = 1_000;
const hb = (intervalMs: number, replyTimeoutMs = 10 * S, idleBasis?: HeartbeatTiming['idleBasis']): HeartbeatTiming => ({ intervalMs, replyTimeoutMs, idleBasis });
const nat = (over: Partial<NatProfile>): NatProfile => ({ ...findProfile('cn-mobile-unicom'), ...over });

describe('compareHeartbeat', () => {
  it('a 3-minute heartbeat keeps a 5-minute carrier NAT alive with 2 minutes to spare', () => {
    const c = compareHeartbeat(hb(3 * M), findProfile('cn-mobile-unicom'));
    expect(c).toMatchObject({ keepsAlive: true, marginMs: 2 * M, detectionMs: 3 * M + 10 * S });
    expect(c.verdict).toBe(
      'heartbeat 3m keeps the China Mobile 2G/3G, China Unicom 2G carrier NAT mapping (idle timeout 5m) alive with 2m to spare; ' +
        'if the mapping is lost, noticed within 3m10s (silent drop: the next heartbeat times out)',
    );
  });

  it('a heartbeat equal to or longer than the timeout does not keep it alive', () => {
    expect(compareHeartbeat(hb(5 * M), findProfile('cn-mobile-unicom'))).toMatchObject({ keepsAlive: false, marginMs: 0 });
    const c = compareHeartbeat(hb(6 * M), findProfile('aws-nat-gateway'));
    expect(c).toMatchObject({ keepsAlive: false, marginMs: 350 * S - 6 * M });
    expect(c.verdict).toContain('heartbeat 6m is not shorter than the AWS NAT Gateway idle timeout 5m50s');
    expect(compareHeartbeat(hb(5 * M - 1), findProfile('cn-mobile-unicom')).keepsAlive).toBe(true);
  });

  it('bounds detection by what meets the next heartbeat after expiry: H + T when dropped or leaked, H when an RST answers it', () => {
    const h = hb(4 * M, 20 * S);
    const sim = (over: Partial<NatProfile['sim']>) => nat({ sim: { ...findProfile('linux-strict').sim, ...over } });
    expect(compareHeartbeat(h, sim({ filter: true })).detectionMs).toBe(4 * M + 20 * S);
    expect(compareHeartbeat(h, sim({ filter: false })).detectionMs).toBe(4 * M + 20 * S);
    expect(compareHeartbeat(h, sim({ resetInside: true })).detectionMs).toBe(4 * M);
    expect(compareHeartbeat(h, sim({ loose: true, port: 'random' })).detectionMs).toBe(4 * M);
    // a reply timeout beyond TCP's retransmission budget: ETIMEDOUT comes first, 924.6 s after the heartbeat
    expect(compareHeartbeat(hb(4 * M, 20 * M), sim({ filter: true })).detectionMs).toBe(4 * M + 924_600);
  });

  it('says each profile\'s outcome for a heartbeat longer than its timeout: a loose Linux NAT with the port kept picks the connection up', () => {
    const longer = (id: string) => compareHeartbeat(hb(6 * M), { ...findProfile(id), idleTimeoutMs: 5 * M });
    const linux = longer('linux-conntrack');
    expect(linux).toMatchObject({ keepsAlive: true, marginMs: -M, outcome: 'pickup', serverFirst: 'reset-by-nat', detectionMs: null });
    expect(linux.verdict).toBe(
      'heartbeat 6m is not shorter than the Linux netfilter conntrack (tcp_timeout_established default) idle timeout 5m: the mapping expires between heartbeats, ' +
        'but loose pickup on the same port: the next heartbeat re-creates the mapping and the connection goes on (a server that writes first after expiry gets an RST from the router)',
    );
    expect(longer('carrier-grade')).toMatchObject({ keepsAlive: false, outcome: 'pickup-new-port', detectionMs: 6 * M });
    expect(longer('carrier-grade').verdict).toContain('noticed within 6m (the next heartbeat is picked up on a new port and the server answers RST)');
    expect(longer('aws-nat-gateway')).toMatchObject({ keepsAlive: false, outcome: 'reset-by-nat', serverFirst: 'dropped', detectionMs: 6 * M });
    expect(longer('azure-nat-gateway')).toMatchObject({ keepsAlive: false, outcome: 'reset-by-nat', serverFirst: 'reset-by-nat', detectionMs: 6 * M });
    expect(longer('linux-strict')).toMatchObject({ keepsAlive: false, outcome: 'dropped', serverFirst: 'dropped', detectionMs: 6 * M + 10 * S });
    expect(longer('cn-mobile-unicom')).toMatchObject({ keepsAlive: false, outcome: 'dropped', detectionMs: 6 * M + 10 * S });
  });

  it('an answered heartbeat refreshes a one-way NAT, but traffic that postpones it may not', () => {
    for (const refresh of ['both', 'upstream', 'downstream'] as const) {
      expect(compareHeartbeat(hb(3 * M), nat({ refresh })).keepsAlive, refresh).toBe(true);
    }
    expect(compareHeartbeat(hb(3 * M, 10 * S, 'received'), nat({ refresh: 'upstream' })).keepsAlive).toBe(false);
    expect(compareHeartbeat(hb(3 * M, 10 * S, 'any'), nat({ refresh: 'upstream' })).keepsAlive).toBe(false);
    expect(compareHeartbeat(hb(3 * M, 10 * S, 'sent'), nat({ refresh: 'upstream' })).keepsAlive).toBe(true);
    expect(compareHeartbeat(hb(3 * M, 10 * S, 'sent'), nat({ refresh: 'downstream' })).keepsAlive).toBe(false);
    expect(compareHeartbeat(hb(3 * M, 10 * S, 'received'), nat({ refresh: 'downstream' })).keepsAlive).toBe(true);
    expect(compareHeartbeat(hb(3 * M, 10 * S, 'any'), nat({ refresh: 'both' })).keepsAlive).toBe(true);
    const c = compareHeartbeat(hb(3 * M, 10 * S, 'received'), nat({ refresh: 'upstream', name: 'Carrier' }));
    expect(c.marginMs).toBe(2 * M);
    expect(c.verdict).toContain('received traffic postpones it and only upstream traffic refreshes this NAT: a one-way stream from the server lets the mapping expire');
  });

  it('rejects a heartbeat that is not one', () => {
    for (const bad of [hb(0), hb(-1), hb(Number.NaN), hb(M, -1)]) {
      let thrown: unknown;
      try {
        compareHeartbeat(bad, findProfile('aws-alb'));
      } catch (err) {
        thrown = err;
      }
      expect(isFlatlineError(thrown, 'FLATLINE_ERR_USAGE')).toBe(true);
    }
  });
});
