import { describe, expect, it } from 'vitest';
import { isFlatlineError } from '../util/errors.ts';
import { findProfile, NAT_PROFILES, toNatIdleAttributes } from './profiles.ts';

describe('NAT profiles', () => {
  it('carry the published numbers', () => {
    const table = Object.fromEntries(NAT_PROFILES.map((p) => [p.id, [p.idleTimeoutMs, p.onExpiry]]));
    expect(table).toEqual({
      'cn-mobile-unicom': [300_000, 'drop'],
      'cn-telecom-3g': [1_680_000, 'drop'],
      'aws-nat-gateway': [350_000, 'reset'],
      'aws-nlb': [350_000, 'reset'],
      'aws-alb': [60_000, 'reset_both'],
      'azure-lb': [240_000, 'drop'],
      'azure-nat-gateway': [240_000, 'drop'],
      'gcp-cloud-nat': [1_200_000, 'drop'],
      'linux-conntrack': [432_000_000, 'drop'],
      'rfc5382-floor': [7_440_000, 'drop'],
      'nokia-2008': [1_800_000, 'drop'],
    });
  });

  it('each name a source', () => {
    for (const p of NAT_PROFILES) expect(p.source.length, p.id).toBeGreaterThan(10);
  });

  it('turn into nat_idle toxic attributes', () => {
    expect(toNatIdleAttributes(findProfile('aws-nat-gateway'))).toEqual({ timeout: 350_000, refresh: 'both', on_expiry: 'reset' });
    expect(toNatIdleAttributes({ idleTimeoutMs: 1, refresh: 'upstream', onExpiry: 'drop' })).toEqual({ timeout: 1, refresh: 'upstream', on_expiry: 'drop' });
  });

  it('reject an unknown id, listing the known ones', () => {
    let thrown: unknown;
    try {
      findProfile('china-mobile');
    } catch (err) {
      thrown = err;
    }
    expect(isFlatlineError(thrown, 'FLATLINE_ERR_USAGE')).toBe(true);
    expect((thrown as Error).message).toContain('unknown NAT profile "china-mobile"');
    for (const p of NAT_PROFILES) expect((thrown as Error).message).toContain(p.id);
  });
});
