import { afterEach, describe, expect, it } from 'vitest';
import { MqttWorld } from '../../test/support/mqtt-world.ts';
import { checkDelivery, countDelivery } from '../checks/delivery.ts';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { Trace } from '../trace/trace.ts';
import { isFlatlineError } from '../util/errors.ts';
import { brokerFromUrl, MosquittoServer, mosquittoPath } from './mosquitto.ts';

const SEC = 1000;
const MIN = 60 * SEC;
const installed = mosquittoPath() !== undefined;
const missing = installed ? '' : ' (skipped: install mosquitto (apt-get install mosquitto) to run the real-broker tests)';

let world: MqttWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe(`real mosquitto${missing}`, () => {
  it.skipIf(!installed)('the reference client notices a blackhole at 1.5 x keepalive and reconnects when healed', async () => {
    const w = (world = await MqttWorld.create({ broker: 'mosquitto' }));
    const client = w.client('m'); // keepalive 3m
    client.connect();
    await w.answered('m', 'connected', { since: 0 }); // mosquitto's CONNACK
    await w.clock.advance(3 * MIN); // PINGREQ at 3m
    await w.answered('m', 'heartbeat.reply', { since: 3 * MIN }); // mosquitto's PINGRESP, in its own (real) time
    await w.clock.advance(MIN);
    w.cut();
    const dead = await w.next('m', 'link.dead');
    expect(dead.t).toBe(3 * MIN + 1.5 * 3 * MIN);
    expect(dead.reason).toMatch(/keepalive timeout/);
    await w.clock.advance(MIN);
    w.heal();
    const healedAt = w.now;
    await w.next('m', 'connect.attempt', { since: healedAt });
    await w.answered('m', 'connected', { since: healedAt });
    expect(w.events('m', 'reconnect.scheduled').map((e) => e.delayMs)).toEqual([0, 2, 4, 8, 16].map((s) => s * SEC));
  });

  // Bursts of 100: without the client's send window of 20, mosquitto would refuse (and so lose) the 21st.
  it.skipIf(!installed)('delivers QoS 2 exactly once across a blackhole and a broker crash', async () => {
    const w = (world = await MqttWorld.create({ broker: 'mosquitto' }));
    const client = w.client('m', { guarantee: 'exactly-once', keepalive: '30s' });
    client.connect();
    await w.next('m', 'connected');
    for (let i = 0; i < 100; i++) client.send({ i });
    await w.clock.advance(SEC);
    const cutAt = w.now;
    w.cut();
    for (let i = 100; i < 200; i++) client.send({ i });
    await w.next('m', 'link.dead', { since: cutAt });
    w.heal();
    await w.next('m', 'connected', { since: cutAt });
    await deliveredAtLeast(w, 200); // mosquitto keeps no persistence: what it holds when it crashes is gone
    await w.clock.run(() => w.broker.stop('crash'));
    for (let i = 200; i < 300; i++) client.send({ i });
    await w.clock.run(() => w.broker.start()); // no persistence: the session is gone, mqtt.js resends what it still owes
    await w.next('m', 'connected', { since: w.now });
    await w.clock.advance(MIN);

    expect(countDelivery(w.trace.events)).toMatchObject({ attempted: 300, acknowledged: 300, ok: 300, lost: 0, duplicated: 0, unexpected: 0 });
    expect(checkDelivery(w.trace.events, { guarantee: 'exactly-once' }).status).toBe('pass');
  });

  it.skipIf(!installed)("refuses a 'reset' stop, which it cannot do", async () => {
    const w = (world = await MqttWorld.create({ broker: 'mosquitto' }));
    await expect(w.broker.stop('reset')).rejects.toThrow(/mosquitto cannot reset its connections; stop it with 'graceful' or 'crash'/);
    expect(w.broker.running).toBe(true);
  });

  it.skipIf(!installed)('also serves as an external broker given by URL, which records deliveries but cannot be stopped', async () => {
    const w = (world = await MqttWorld.create({ broker: 'mosquitto' }));
    const external = brokerFromUrl({ clock: w.clock, trace: w.sink, name: 'external' }, w.broker.url);
    await w.clock.run(() => external.start());
    const client = w.client('m', { url: w.broker.url });
    client.connect();
    client.send('hello');
    await w.until((e) => e.source === 'server:external' && e.type === 'message.delivered');
    await expect(external.stop()).rejects.toThrow(/external and flatline cannot stop it/);
    await w.clock.run(() => external.close());
  });
});

async function deliveredAtLeast(w: MqttWorld, count: number): Promise<void> {
  const delivered = () => w.trace.ofType('message.delivered').length;
  if (delivered() < count) await w.until(() => delivered() >= count);
}

describe('the mosquitto launcher', () => {
  it('refuses to start on a virtual clock unless opted in: mosquitto runs on real time', async () => {
    const clock = VirtualClock.install();
    try {
      const ctx = { clock, trace: new Trace(clock).sink, name: 'broker' };
      const server = new MosquittoServer(ctx, { binary: process.execPath }); // refused before anything is spawned
      await expect(server.start()).rejects.toThrow(/^mosquitto \(.*\), server "broker" lives outside this process and answers on real time.*Run in real time with --time-scale 0\.01, or give the launcher allowVirtualTime: true/);
      expect(server.running).toBe(false);
    } finally {
      clock.uninstall();
    }
  });
});

describe('brokerFromUrl', () => {
  it('rejects what is not an mqtt:// URL with a FlatlineError saying what to write', () => {
    const clock = VirtualClock.install();
    try {
      const ctx = { clock, trace: new Trace(clock).sink, name: 'ext' };
      for (const [url, problem] of [
        ['localhost:1883', /protocol "localhost:" is not supported/],
        ['not a url', /it is not a URL/],
        ['mqtts://broker.example:8883', /protocol "mqtts:" is not supported \(only mqtt:\/\/ and tcp:\/\/\)/],
        ['ws://127.0.0.1:9001', /protocol "ws:" is not supported/],
      ] as const) {
        expect(() => brokerFromUrl(ctx, url)).toThrow(problem);
        expect(() => brokerFromUrl(ctx, url)).toThrow(/write it like "mqtt:\/\/127\.0\.0\.1:1883"/);
        try {
          brokerFromUrl(ctx, url);
        } catch (err) {
          expect(isFlatlineError(err, 'FLATLINE_ERR_SERVER')).toBe(true);
        }
      }
      expect(brokerFromUrl(ctx, 'mqtt://127.0.0.1').port).toBe(1883);
    } finally {
      clock.uninstall();
    }
  });
});
