import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/trace.ts';
import { simFixture, type SimFixture } from './fixture.ts';
import type { NatConfig, NatOptions } from './nat.ts';
import { expiryOutcome, type InsideFirst } from './nat-outcome.ts';

let f: SimFixture;
afterEach(() => f?.close());

const SERVER = '198.51.100.10';
const PUBLIC = '203.0.113.1';
const TIMEOUT = 4_000;
const LINUX: NatConfig = { timeoutMs: TIMEOUT, loose: true, port: 'preserve', filter: false, refresh: 'both' };

/** phone (10.0.0.2) behind a NAT (203.0.113.1) -> server (198.51.100.10), 20 ms each way. */
async function world(config: Partial<NatConfig> = {}, options: NatOptions = {}) {
  const events: TraceEvent[] = [];
  f = simFixture(1, (source, type, detail) => events.push({ t: f.clock.now(), source, type, ...detail }));
  const network = f.network;
  const nat = network.addNat('carrier', PUBLIC, { ...LINUX, ...config }, options);
  const phone = network.addHost('phone', '10.0.0.2', { behind: nat });
  const server = network.addHost('server', SERVER);
  for (const [a, b] of [[phone, nat], [nat, phone], [nat, server], [server, nat]] as const) network.path(a, b).conditions.latencyMs = 10;
  let accepted!: net.Socket;
  const serverGot: string[] = [];
  const listener = net.createServer((s) => {
    accepted = s;
    s.on('data', (d) => serverGot.push(String(d)));
    s.on('error', () => {});
  });
  await f.clock.run(new Promise<void>((resolve) => listener.listen(7000, SERVER, () => resolve())));
  const client = await f.clock.run(
    new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ host: SERVER, port: 7000, localAddress: '10.0.0.2' }, () => resolve(s));
      s.once('error', reject);
    }),
  );
  const clientGot: string[] = [];
  client.on('data', (d) => clientGot.push(String(d)));
  await f.clock.advance(100);
  return { nat, client, accepted: () => accepted, serverGot, clientGot, events, types: () => events.map((e) => e.type) };
}

const failure = (s: net.Socket) => new Promise<NodeJS.ErrnoException>((resolve) => s.once('error', resolve));

describe('a NAT with conntrack semantics on the simulated path', () => {
  it('maps the connection from the server’s view to the public address', async () => {
    const w = await world();
    expect(w.accepted().remoteAddress).toBe(PUBLIC);
    expect(w.types()).toEqual(['nat.mapping.created']);
  });

  it('expires an idle mapping silently: neither end hears anything', async () => {
    const w = await world();
    await f.clock.advance(TIMEOUT + 1_000);
    expect(w.types()).toEqual(['nat.mapping.created', 'nat.expired']);
    expect(w.client.destroyed || w.accepted().destroyed).toBe(false);
  });

  it('Linux defaults (loose pickup, port kept): the client writes after expiry and the connection goes on', async () => {
    const w = await world();
    await f.clock.advance(TIMEOUT + 1_000);
    w.client.write('still there?');
    await f.clock.advance(1_000);
    expect(w.serverGot).toEqual(['still there?']);
    expect(w.events.at(-1)).toMatchObject({ type: 'nat.mapping.created', by: 'pickup', public: w.accepted().remotePort });
  });

  it('carrier-grade (loose pickup, port re-randomised): the server answers RST, the client gets ECONNRESET a round trip later, the server hears nothing', async () => {
    const w = await world({ port: 'random' });
    await f.clock.advance(TIMEOUT + 1_000);
    const sentAt = f.clock.now();
    w.client.write('hello?');
    const err = await f.clock.run(failure(w.client));
    expect(err.code).toBe('ECONNRESET');
    expect(f.clock.now() - sentAt).toBe(40);
    expect(w.serverGot).toEqual([]);
    expect(w.accepted().destroyed).toBe(false);
  });

  it('AWS NAT Gateway (the NAT answers the inside host with RST): the client gets ECONNRESET from the NAT one hop later, the server hears nothing', async () => {
    const w = await world({ loose: false, filter: true, port: 'random', resetInside: true });
    await f.clock.advance(TIMEOUT + 1_000);
    const sentAt = f.clock.now();
    w.client.write('hello?');
    const err = await f.clock.run(failure(w.client));
    expect(err.code).toBe('ECONNRESET');
    expect(f.clock.now() - sentAt).toBe(20); // phone -> NAT and back, never reaching the server
    expect(w.events.at(-1)).toMatchObject({ type: 'nat.reset.sent', side: 'inside', to: `10.0.0.2:${w.client.localPort}` });
    expect(w.serverGot).toEqual([]);
    expect(w.accepted().destroyed).toBe(false);
  });

  it('a NAT that resets inside and filters outside: the server writing first after expiry is dropped until it gives up; the client is never told', async () => {
    const w = await world({ loose: false, filter: true, resetInside: true });
    await f.clock.advance(TIMEOUT + 1_000);
    w.accepted().write('push');
    expect((await f.clock.run(failure(w.accepted()))).code).toBe('ETIMEDOUT');
    expect(w.types()).not.toContain('nat.reset.sent');
    expect(w.client.destroyed).toBe(false);
  });

  it('strict router (no pickup, a filter): the client’s bytes are dropped and it retransmits until ETIMEDOUT', async () => {
    const w = await world({ loose: false, filter: true });
    await f.clock.advance(TIMEOUT + 1_000);
    const sentAt = f.clock.now();
    w.client.write('anyone?');
    const err = await f.clock.run(failure(w.client));
    expect(err.code).toBe('ETIMEDOUT');
    // RTO 40 + max(4 x 20, 200) = 240 ms, doubling to 120 s; Linux checks its 924.6 s budget at each expiry.
    let giveUp = 0;
    let retransmissions = 0;
    for (let rto = 240; giveUp < 924_600; rto = Math.min(2 * rto, 120_000), retransmissions++) giveUp += rto;
    expect(f.clock.now() - sentAt).toBe(giveUp);
    expect(w.types().filter((t) => t === 'nat.dropped')).toHaveLength(retransmissions);
    expect(w.serverGot).toEqual([]);
  });

  it('no pickup and no filter: the packet leaks with its private source and no answer ever comes', async () => {
    const w = await world({ loose: false, filter: false });
    await f.clock.advance(TIMEOUT + 1_000);
    w.client.write('hello');
    const err = await f.clock.run(failure(w.client));
    expect(err.code).toBe('ETIMEDOUT');
    expect(w.types()).toContain('nat.leaked');
    expect(w.serverGot).toEqual([]);
  });

  it('the server writes first after expiry: the router answers it with RST; the client is left half-open', async () => {
    const w = await world();
    await f.clock.advance(TIMEOUT + 1_000);
    w.accepted().write('push');
    const err = await f.clock.run(failure(w.accepted()));
    expect(err.code).toBe('ECONNRESET');
    expect(w.types()).toContain('nat.reset.sent');
    expect(w.client.destroyed).toBe(false);
    expect(w.clientGot).toEqual([]);
  });

  it('the server writes first behind a filter: dropped, and the server retransmits until ETIMEDOUT', async () => {
    const w = await world({ filter: true });
    await f.clock.advance(TIMEOUT + 1_000);
    w.accepted().write('push');
    const err = await f.clock.run(failure(w.accepted()));
    expect(err.code).toBe('ETIMEDOUT');
    expect(w.client.destroyed).toBe(false);
  });

  it('a FIN after expiry never re-creates a mapping: the closer gets no answer', async () => {
    const w = await world();
    await f.clock.advance(TIMEOUT + 1_000);
    let serverEnded = false;
    w.accepted().on('end', () => (serverEnded = true));
    w.client.end();
    await f.clock.advance(60_000);
    expect(serverEnded).toBe(false);
    expect(w.types().filter((t) => t === 'nat.mapping.created')).toHaveLength(1);
  });

  it('server-only traffic keeps the mapping, even on a NAT that refreshes on outbound packets only: the client’s ACKs go out', async () => {
    for (const refresh of ['both', 'outbound'] as const) {
      const w = await world({ refresh });
      const push = setInterval(() => w.accepted().write('tick'), TIMEOUT / 2);
      await f.clock.advance(10 * TIMEOUT);
      clearInterval(push);
      await f.clock.advance(100); // the last push in flight
      expect({ refresh, expired: w.types().includes('nat.expired'), pushes: w.clientGot.length }).toEqual({ refresh, expired: false, pushes: 20 });
      f.close();
    }
  });

  it('TCP keepalive below the timeout keeps the mapping for 24 h; above it, the mapping expires', async () => {
    for (const [idleMs, expired] of [[3_000, false], [5_000, true]] as const) {
      const w = await world({ timeoutMs: 4_000 });
      w.client.setKeepAlive(true, idleMs);
      await f.clock.advance(24 * 3_600_000);
      expect({ idleMs, expired: w.types().includes('nat.expired') }).toEqual({ idleMs, expired });
      f.close();
    }
  });

  it('TCP keepalive above the timeout breaks the mapping with its profile\'s outcome: the probe is picked up, reset, or dropped until the probes run out', async () => {
    // libuv: TCP_KEEPIDLE 5 s, then a probe every 1 s, 10 of them (sim/tcp/constants.ts)
    const expected: Record<InsideFirst, { code: string | undefined; afterMs?: number }> = {
      pickup: { code: undefined },
      'pickup-new-port': { code: 'ECONNRESET', afterMs: 5_000 + 40 },
      'reset-by-nat': { code: 'ECONNRESET', afterMs: 5_000 + 20 },
      dropped: { code: 'ETIMEDOUT', afterMs: 5_000 + 10 * 1_000 },
      leaked: { code: 'ETIMEDOUT', afterMs: 5_000 + 10 * 1_000 },
    };
    const configs: Partial<NatConfig>[] = [{}, { port: 'random' }, { loose: false, filter: true, resetInside: true }, { loose: false, filter: true }, { loose: false, filter: false }];
    for (const config of configs) {
      const outcome = expiryOutcome({ ...LINUX, ...config }).inside;
      const w = await world({ timeoutMs: 4_000, ...config });
      const idleFrom = f.clock.now();
      let failed: { code: string | undefined; afterMs: number } | undefined;
      w.client.on('error', (err: NodeJS.ErrnoException) => (failed = { code: err.code, afterMs: f.clock.now() - idleFrom }));
      w.client.setKeepAlive(true, 5_000);
      await f.clock.advance(3_600_000);
      const seen = failed ?? { code: undefined };
      expect({ outcome, ...seen }).toEqual({ outcome, ...expected[outcome] });
      if (outcome === 'pickup') expect(w.events.filter((e) => e.type === 'nat.mapping.created' && e.by === 'pickup').length).toBeGreaterThan(600);
      f.close();
    }
  });

  it('traces a refresh after a quiet spell of 1 s or more, with who sent the packet and how long the mapping was idle, when asked to', async () => {
    const w = await world({}, { traceRefreshes: true });
    await f.clock.advance(3_000);
    w.client.write('ping'); // at 3.1 s; the server's ACK follows 20 ms later, within the quiet spell: no mark of its own
    await f.clock.advance(2_000);
    w.accepted().write('push');
    await f.clock.advance(500);
    w.client.write('soon after'); // 0.5 s after the client's ACK of the push: not after a quiet spell
    await f.clock.advance(500);
    const created = w.events[0]!.t; // the SYN's
    expect(w.events.filter((e) => e.type === 'nat.refreshed').map(({ t, by, idleMs }) => ({ t: t - created, by, idleMs }))).toEqual([
      { t: 3_140, by: 'inside', idleMs: 3_100 }, // quiet since the handshake's last ACK, 40 ms after the SYN
      { t: 5_140, by: 'outside', idleMs: 1_980 }, // quiet since the server's ACK of the ping
    ]);
    expect(w.serverGot.join('')).toBe('pingsoon after');
  });

  it('traces no refresh unless asked to (a fleet\'s NATs are refreshed by every member)', async () => {
    const w = await world();
    await f.clock.advance(3_000);
    w.client.write('ping');
    await f.clock.advance(1_000);
    expect(w.types()).toEqual(['nat.mapping.created']);
  });

  it('flushing every mapping behaves exactly like expiry', async () => {
    const w = await world({ port: 'random' });
    w.nat.flush();
    expect(w.types()).toEqual(['nat.mapping.created', 'nat.expired']);
    w.client.write('after the flush');
    expect((await f.clock.run(failure(w.client))).code).toBe('ECONNRESET');
  });

  it('refuses a config it cannot honour, naming the field', () => {
    f = simFixture();
    expect(() => f.network.addNat('n', PUBLIC, { ...LINUX, timeoutMs: -1 })).toThrow(/NAT "n": timeoutMs must be a duration above 0 and at most 2147483647 ms/);
    expect(() => f.network.addNat('n2', '203.0.113.2', { ...LINUX, timeoutMs: 2 ** 31 })).toThrow(/timeoutMs/);
    expect(() => f.network.addNat('n3', '203.0.113.3', { ...LINUX, port: 'keep' as never })).toThrow(/port must be "preserve" or "random", got "keep"/);
    expect(() => f.network.addNat('n4', '203.0.113.4', { ...LINUX, refresh: 'inbound' as never })).toThrow(/refresh must be "both" or "outbound"/);
    expect(() => f.network.addNat('n5', '203.0.113.5', { ...LINUX, resetInside: true })).toThrow(/NAT "n5": resetInside contradicts loose/);
  });
});
