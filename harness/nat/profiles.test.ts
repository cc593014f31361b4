import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { simFixture, type SimFixture } from '../sim/fixture.ts';
import { checkNatConfig } from '../sim/nat.ts';
import { isFlatlineError } from '../util/errors.ts';
import { findProfile, NAT_PROFILES, toNatConfig, toNatIdleAttributes, type NatProfile } from './profiles.ts';

let f: SimFixture | undefined;
afterEach(() => f?.close());

/** What the client meets when it writes after its mapping expired, on the sim NAT playing `profile` (10 ms a hop). */
async function clientWritesAfterExpiry(profile: NatProfile): Promise<string> {
  f = simFixture();
  const { network, clock } = f;
  const nat = network.addNat('nat', '203.0.113.1', toNatConfig(profile, 4_000));
  const phone = network.addHost('phone', '10.0.0.2', { behind: nat });
  const server = network.addHost('server', '198.51.100.10');
  for (const [a, b] of [[phone, nat], [nat, phone], [nat, server], [server, nat]] as const) network.path(a, b).conditions.latencyMs = 10;
  const got: string[] = [];
  const listener = net.createServer((s) => s.on('data', (d) => got.push(String(d))).on('error', () => {}));
  await clock.run(new Promise<void>((resolve) => listener.listen(7000, '198.51.100.10', () => resolve())));
  const client = await clock.run(new Promise<net.Socket>((resolve) => { const s = net.connect({ host: '198.51.100.10', port: 7000, localAddress: '10.0.0.2' }, () => resolve(s)); }));
  await clock.advance(5_000);
  const sentAt = clock.now();
  client.write('after expiry');
  const outcome = await clock.run(
    new Promise<string>((resolve) => {
      client.once('error', (err: NodeJS.ErrnoException) => resolve(`${err.code} after ${clock.now() - sentAt} ms`));
      clock.setTimeout(() => got.length > 0 && resolve('delivered'), 1_000);
    }),
  );
  client.destroy();
  listener.close();
  return outcome;
}

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
      'linux-strict': [432_000_000, 'drop'],
      'carrier-grade': [300_000, 'reset'],
      'rfc5382-floor': [7_440_000, 'drop'],
      'nokia-2008': [1_800_000, 'drop'],
    });
  });

  it('each name a source', () => {
    for (const p of NAT_PROFILES) expect(p.source.length, p.id).toBeGreaterThan(10);
  });

  it('each carry sim NAT semantics the sim NAT accepts, with a source for every choice', () => {
    for (const p of NAT_PROFILES) {
      expect(() => checkNatConfig(toNatConfig(p), p.id)).not.toThrow();
      for (const [what, source] of Object.entries(p.sim.sources)) expect(source.length, `${p.id} ${what}`).toBeGreaterThan(20);
    }
  });

  it('on the sim NAT, a client writing after expiry meets what its profile says: goes on, an RST from the server (new port) or the NAT, or silence until ETIMEDOUT', async () => {
    const outcomes: Record<string, string> = {};
    for (const id of ['linux-conntrack', 'carrier-grade', 'aws-nat-gateway', 'azure-nat-gateway', 'azure-lb', 'linux-strict']) {
      outcomes[id] = await clientWritesAfterExpiry(findProfile(id));
      f!.close();
    }
    expect(outcomes).toEqual({
      'linux-conntrack': 'delivered',
      'carrier-grade': 'ECONNRESET after 40 ms', // the server's kernel answers the unknown port
      'aws-nat-gateway': 'ECONNRESET after 20 ms', // the NAT answers, the server never sees it
      'azure-nat-gateway': 'ECONNRESET after 20 ms',
      'azure-lb': 'ETIMEDOUT after 962640 ms', // RTOs from 240 ms doubling to 120 s, until Linux's 924.6 s budget is spent
      'linux-strict': 'ETIMEDOUT after 962640 ms',
    });
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
