import { describe, expect, it } from 'vitest';
import { customProfile, findProfile } from './profiles.ts';
import { heartbeatCost, LTE_TAIL_MS, recommendHeartbeat, thinMargins } from './recommend.ts';

const unicom = findProfile('cn-mobile-unicom');
const awsNat = findProfile('aws-nat-gateway');

describe('the recommended heartbeat', () => {
  it('leaves the margin under the shortest idle timeout of the chosen networks, in round seconds', () => {
    const r = recommendHeartbeat([awsNat, unicom], 10_000);
    expect(r).toMatchObject({ heartbeatMs: 240_000, margin: 0.2, tightest: unicom, detectionMs: 250_000 });
    expect(r.margins.map((m) => [m.profile.id, m.marginMs])).toEqual([
      ['aws-nat-gateway', 110_000],
      ['cn-mobile-unicom', 60_000],
    ]);
    // 350 s x 0.8 = 280 s; 5 min x 0.9 = 270 s (WeChat's fixed heartbeat).
    expect(recommendHeartbeat([awsNat], 10_000).heartbeatMs).toBe(280_000);
    expect(recommendHeartbeat([unicom], 10_000, 0.1).heartbeatMs).toBe(270_000);
    // Below a minute, whole seconds; never the timeout itself, even with no margin.
    expect(recommendHeartbeat([findProfile('aws-alb')], 10_000).heartbeatMs).toBe(48_000);
    expect(recommendHeartbeat([unicom], 10_000, 0).heartbeatMs).toBe(295_000);
    expect(recommendHeartbeat([customProfile(4 * 60_000 + 31_000)], 10_000).heartbeatMs).toBe(215_000);
  });

  it('takes MQTT reply timeouts as a function of the heartbeat', () => {
    expect(recommendHeartbeat([unicom], (h) => h / 2).detectionMs).toBe(360_000);
  });

  it('says what it costs: heartbeats, radio wake-ups and LTE radio-on time', () => {
    expect(heartbeatCost(240_000)).toEqual({ heartbeatsPerHour: 15, heartbeatsPerDay: 360, wakeupsPerHour: 15, radioOnMsPerHour: 15 * LTE_TAIL_MS });
  });

  it('refuses what leaves no heartbeat', () => {
    expect(() => recommendHeartbeat([], 10_000)).toThrow(/at least one NAT profile/);
    expect(() => recommendHeartbeat([customProfile(1_000)], 10_000)).toThrow(/leaves no heartbeat of a second or more with a 20% margin/);
    expect(() => recommendHeartbeat([unicom], 10_000, 1)).toThrow(/the margin must be from 0% to under 100%/);
  });

  it('flags margins thinner than asked, but not broken mappings (those are a "NO")', () => {
    expect(thinMargins(270_000, [unicom, awsNat]).map((t) => [t.profile.id, t.marginMs])).toEqual([['cn-mobile-unicom', 30_000]]);
    expect(thinMargins(240_000, [unicom, awsNat])).toEqual([]);
    expect(thinMargins(360_000, [unicom])).toEqual([]);
  });
});
