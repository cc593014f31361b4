import { describe, expect, it } from 'vitest';
import { runScenario } from './runner.ts';
import { checkNatSpec, natConfigFor, natIdleFor, type NatSpec } from './nat-spec.ts';

describe('a scenario NAT (network.nat)', () => {
  it('a profile id: the profile\'s own semantics on the sim, its nat_idle words on kernel sockets', () => {
    expect(natConfigFor('linux-conntrack')).toEqual({ timeoutMs: 432_000_000, loose: true, port: 'preserve', filter: false, refresh: 'both' });
    expect(natConfigFor('aws-nat-gateway')).toMatchObject({ timeoutMs: 350_000, loose: false, resetInside: true, filter: true });
    expect(natIdleFor('aws-nat-gateway')).toEqual({ timeout: 350_000, refresh: 'both', on_expiry: 'reset' });
  });

  it('a profile with its timeout changed', () => {
    const spec: NatSpec = { profile: 'linux-conntrack', timeout: '4s' };
    expect(natConfigFor(spec)).toMatchObject({ timeoutMs: 4_000, loose: true, port: 'preserve' });
    expect(natIdleFor(spec)).toEqual({ timeout: 4_000, refresh: 'both', on_expiry: 'drop' });
  });

  it('nat_idle words alone mean the same on both substrates: a silent drop unless on_expiry says otherwise', () => {
    expect(natConfigFor({ timeout: '5m' })).toMatchObject({ timeoutMs: 300_000, loose: false, filter: true, refresh: 'both' });
    expect(natIdleFor({ timeout: '5m' })).toEqual({ timeout: 300_000, refresh: 'both', on_expiry: 'drop' });
    expect(natConfigFor({ timeout: '5m', on_expiry: 'reset', refresh: 'upstream' })).toMatchObject({ loose: false, resetInside: true, filter: true, refresh: 'outbound' });
    expect(natConfigFor({ timeout: '5m', on_expiry: 'reset_both' })).toMatchObject({ loose: false, resetInside: true, filter: false });
  });

  it('conntrack settings: Linux\'s defaults for what is not said', () => {
    expect(natConfigFor({ timeout: '4s', port: 'random' })).toEqual({ timeoutMs: 4_000, refresh: 'both', loose: true, resetInside: false, port: 'random', filter: false });
    expect(natConfigFor({ timeout: '4s', reset_inside: true })).toMatchObject({ loose: false, resetInside: true });
    expect(natIdleFor({ timeout: '4s', refresh: 'outbound' })).toEqual({ timeout: 4_000, refresh: 'upstream', on_expiry: 'drop' });
  });

  it.each([
    [{ refresh: 'both' }, /network\.nat\.timeout: is required/],
    [{ profile: 'linux-conntrack', refresh: 'outbound' }, /network\.nat\.refresh: profile "linux-conntrack" fixes this.*only its timeout may be changed/],
    [{ timeout: '4s', on_expiry: 'drop', loose: true }, /network\.nat\.on_expiry: is nat_idle's word for what loose says; give one or the other/],
    [{ timeout: '4s', loose: true, reset_inside: true }, /network\.nat\.reset_inside: contradicts loose/],
  ] as [NatSpec, RegExp][])('refuses %j whatever the substrate, naming the field', (spec, message) => {
    expect(() => checkNatSpec(spec)).toThrow(message);
  });

  it('refuses what one substrate cannot play, naming the field', () => {
    expect(() => natConfigFor({ timeout: '4s', refresh: 'downstream' })).toThrow(/network\.nat\.refresh: "downstream".*no conntrack equivalent/);
    expect(() => natIdleFor({ timeout: '4s', filter: true })).toThrow(/network\.nat\.filter: is a conntrack setting only the simulated NAT has.*--network sim/);
  });

  it.each([
    [{ timeout: '-5s' }, /network\.nat\.timeout: must be a duration/],
    [{ timeout: '25d' }, /network\.nat\.timeout: must be at most 2147483647 ms/],
    [{ timeout: '5m', port: 'keep' }, /network\.nat\.port: "keep" is not a port policy.*"preserve", "random"/],
    ['china-mobile', /network\.nat: "china-mobile" is not a NAT profile/],
    [{ timeout: '4s', loose: true, reset_inside: true }, /network\.nat\.reset_inside: contradicts loose/],
  ] as [unknown, RegExp][])('a scenario with network.nat %j is an error before it runs', async (nat, message) => {
    const result = await runScenario(
      { name: 'bad nat', subject: { kind: 'tcp' }, network: { nat: nat as NatSpec }, timeline: [{ at: 0, do: 'connect' }], checks: [{ check: 'keepalive', window: '1m' }], horizon: '2m' },
      { seed: 1, file: 'inline.scenario.ts' },
    );
    expect(result.status).toBe('error');
    expect(result.error?.message).toMatch(/^inline\.scenario\.ts: scenario "bad nat": /);
    expect(result.error?.message).toMatch(message);
  });
});
