import { afterEach, describe, expect, it } from 'vitest';
import type { ReferenceServer } from '../servers/server.ts';
import { TcpServer } from '../servers/tcp-server.ts';
import { WsServer } from '../servers/ws-server.ts';
import type { ReferenceClientOptions } from './reference-client.ts';
import { createTcpClient } from './tcp-client.ts';
import { createWsClient } from './ws-client.ts';
import { World } from '../scenario/world.ts';
import type { Proxy } from '../net/proxy.ts';
import type { ServerOptions } from '../servers/message-sink.ts';

const S = 1000;
const MIN = 60 * S;
const H = 3 * MIN;
const T = 10 * S;

const protocols = {
  tcp: {
    server: (world: World, options: ServerOptions) => new TcpServer(world.serverContext('srv'), options),
    client: (world: World, proxy: Proxy, options: ReferenceClientOptions) =>
      createTcpClient(world.clientContext('c1'), `127.0.0.1:${proxy.listen.port}`, options),
  },
  ws: {
    server: (world: World, options: ServerOptions) => new WsServer(world.serverContext('srv'), options),
    client: (world: World, proxy: Proxy, options: ReferenceClientOptions) =>
      createWsClient(world.clientContext('c1'), `ws://127.0.0.1:${proxy.listen.port}`, options),
  },
};

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe.each(Object.entries(protocols))('reference %s client', (_name, protocol) => {
  async function setup(options: ReferenceClientOptions = {}, serverOptions: ServerOptions = {}) {
    world = new World({ seed: 1 });
    const server: ReferenceServer = protocol.server(world, serverOptions);
    const proxy = await world.addServer(server);
    const client = world.addClient(protocol.client(world, proxy, options));
    client.connect();
    await world.idle(S);
    expect(client.state).toBe('open');
    return { world, server, proxy, client, events: (type: string) => world!.trace.of('client:c1').filter((e) => e.type === type) };
  }

  function blackhole(proxy: Proxy) {
    proxy.toxics.add({ name: 'bh_up', type: 'blackhole', stream: 'upstream' });
    proxy.toxics.add({ name: 'bh_down', type: 'blackhole', stream: 'downstream' });
  }

  function heal(proxy: Proxy) {
    proxy.toxics.remove('bh_up');
    proxy.toxics.remove('bh_down');
  }

  it('declares a blackholed link dead within H + T and reconnects once it heals', async () => {
    const { world, proxy, client, events } = await setup();
    await world.idle(MIN);
    const lastTraffic = events('connected')[0]!.t;
    blackhole(proxy);
    await world.idle(H + T);
    // later attempts into the blackhole may fail too (a WebSocket handshake times out); the first verdict is the heartbeat's
    const dead = events('link.dead');
    expect(dead.length).toBeGreaterThanOrEqual(1);
    expect(dead[0]!.t - lastTraffic).toBe(H + T);
    expect(dead[0]!.reason).toMatch(/heartbeat timeout/);
    heal(proxy);
    await world.idle(2 * MIN);
    expect(client.state).toBe('open');
    expect(events('connected').length).toBeGreaterThanOrEqual(2);
  });

  it('raises no false alarm over 6 hours of 2s ± 1s latency', async () => {
    const { world, proxy, events } = await setup();
    proxy.toxics.add({ type: 'latency', stream: 'downstream', attributes: { latency: 2000, jitter: 1000 } });
    proxy.toxics.add({ type: 'latency', stream: 'upstream', attributes: { latency: 2000, jitter: 1000 } });
    await world.idle(6 * 60 * MIN);
    expect(events('link.dead')).toHaveLength(0);
    expect(events('heartbeat.reply').length).toBeGreaterThanOrEqual(100);
    for (const reply of events('heartbeat.reply')) expect(reply.rttMs).toBeLessThan(T);
  });

  it('reconnects on the exact schedule while the server is down, up to the cap, and gives up', async () => {
    const { world, server, client, events } = await setup({ backoff: { base: '2s', cap: '16s', maxAttempts: 7 } });
    await world.run(() => server.stop('crash'));
    await world.idle(10 * MIN);
    const delays = events('reconnect.scheduled').map((e) => e.delayMs);
    expect(delays).toEqual([0, 2000, 4000, 8000, 16000, 16000, 16000]);
    const attempts = events('connect.attempt').slice(1).map((e) => e.t);
    const scheduled = events('reconnect.scheduled').map((e) => e.t + (e.delayMs as number));
    expect(attempts).toEqual(scheduled);
    expect(events('reconnect.gave_up')).toHaveLength(1);
    expect(client.state).toBe('closed');
  });

  it('starts the schedule again after a stable connection', async () => {
    const { world, server, events } = await setup({ backoff: { base: '2s', resetAfter: '30s' } });
    await world.run(() => server.stop('crash'));
    await world.idle(5 * S); // attempts at +0 and +2s fail
    await world.run(() => server.start());
    await world.idle(MIN); // reconnected and stable for more than 30s
    await world.run(() => server.stop('crash'));
    await world.idle(S);
    const delays = events('reconnect.scheduled').map((e) => e.delayMs);
    expect(delays.slice(0, 3)).toEqual([0, 2000, 4000]);
    expect(delays.slice(-2)).toEqual([0, 2000]);
  });

  it('never reconnects after a disconnect the user asked for', async () => {
    const { world, client, events } = await setup();
    await world.run(() => client.disconnect());
    await world.idle(30 * MIN);
    expect(client.state).toBe('closed');
    expect(events('reconnect.scheduled')).toHaveLength(0);
    expect(events('connect.attempt')).toHaveLength(1);
  });

  it('keeps one connection for 24 hours under a 5-minute NAT with a 3-minute heartbeat', async () => {
    const { world, proxy, events } = await setup();
    proxy.toxics.add({ type: 'nat_idle', attributes: { timeout: 5 * MIN } });
    await world.idle(24 * 60 * MIN);
    expect(world.trace.ofType('nat.expired')).toHaveLength(0);
    expect(events('reconnect.scheduled')).toHaveLength(0);
    expect(events('heartbeat.sent').length).toBe(480);
  });

  it('notices when a 6-minute heartbeat lets a 5-minute NAT mapping expire', async () => {
    const { world, proxy, events } = await setup({ heartbeat: { interval: '6m' } });
    proxy.toxics.add({ type: 'nat_idle', attributes: { timeout: 5 * MIN } });
    await world.idle(7 * MIN);
    expect(world.trace.ofType('nat.expired')).toHaveLength(1);
    const dead = events('link.dead');
    expect(dead).toHaveLength(1);
    expect(dead[0]!.t - events('connected')[0]!.t).toBe(6 * MIN + T);
  });

  describe('delivers 1,000 messages across a reset and a blackhole', () => {
    async function sendThroughOutages(guarantee: 'at-most-once' | 'at-least-once' | 'exactly-once') {
      const { world, proxy, client } = await setup({ outbox: { guarantee, resendAfter: '5s' } }, { dedupe: guarantee === 'exactly-once' });
      const ids: string[] = [];
      for (let i = 0; i < 1000; i++) {
        ids.push(client.send({ n: i }));
        await world.idle(500);
        if (i === 300) proxy.toxics.add({ name: 'rst', type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
        if (i === 310) proxy.toxics.remove('rst');
        if (i === 600) proxy.toxics.add({ name: 'bh', type: 'blackhole', stream: 'downstream' });
        if (i === 700) proxy.toxics.remove('bh');
      }
      await world.idle(10 * MIN);
      const delivered = world.trace.ofType('message.delivered').map((e) => e.id as string);
      const acked = new Set(world.trace.ofType('message.acked').map((e) => e.id as string));
      const counts = new Map<string, number>();
      for (const id of delivered) counts.set(id, (counts.get(id) ?? 0) + 1);
      return {
        lost: ids.filter((id) => acked.has(id) && !counts.has(id)).length,
        missing: ids.filter((id) => !counts.has(id)).length,
        duplicated: [...counts.values()].filter((n) => n > 1).length,
        reconnects: world.trace.of('client:c1').filter((e) => e.type === 'connected').length - 1,
      };
    }

    it('at-least-once loses none', async () => {
      const r = await sendThroughOutages('at-least-once');
      expect(r.reconnects).toBeGreaterThanOrEqual(1);
      expect(r.lost).toBe(0);
      expect(r.missing).toBe(0);
    });

    it('exactly-once loses and duplicates none', async () => {
      const r = await sendThroughOutages('exactly-once');
      expect(r.reconnects).toBeGreaterThanOrEqual(1);
      expect(r.missing).toBe(0);
      expect(r.duplicated).toBe(0);
    });

    it('at-most-once duplicates none', async () => {
      const r = await sendThroughOutages('at-most-once');
      expect(r.duplicated).toBe(0);
      expect(r.missing).toBeGreaterThan(0); // what was written into the blackhole is gone
    });
  });
});
