import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MqttWorld } from '../../test/support/mqtt-world.ts';
import { checkBackoff } from '../checks/backoff.ts';
import { checkDelivery, countDelivery } from '../checks/delivery.ts';
import { checkDetection, checkNoFalseAlarm } from '../checks/detection.ts';
import { checkKeepalive } from '../checks/keepalive.ts';
import { reconnectHistory } from '../checks/reconnects.ts';
import type { Guarantee } from '../trace/events.ts';
import { isFlatlineError } from '../util/errors.ts';
import type { MqttClientOptions } from './mqtt-client.ts';
import { MqttReferenceClient } from './mqtt-client.ts';

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const NAME = 'm';
const SOURCE = `client:${NAME}`;

let world: MqttWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** A world with one reference client, connected. */
async function connected(options: Omit<MqttClientOptions, 'url'> = {}) {
  const w = (world = await MqttWorld.create());
  const client = w.client(NAME, options);
  client.connect();
  await w.next(NAME, 'connected');
  return { w, client };
}

const times = (w: MqttWorld, type: string) => w.events(NAME, type).map((e) => e.t);

/** Sends `count` messages, ten per virtual second. */
async function sendSteadily(w: MqttWorld, client: MqttReferenceClient, count: number): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    for (let j = i; j < i + 10; j++) client.send({ n: j });
    await w.clock.advance(SEC);
  }
}

describe('MqttReferenceClient: heartbeat and detection', () => {
  it('sends PINGREQ exactly every keepalive, declares a blackholed link dead at 1.5 x keepalive, and reconnects on the Backoff schedule once healed', async () => {
    const { w } = await connected(); // keepalive 3m, connectTimeout 10s
    await w.clock.advance(10 * MIN);
    expect(times(w, 'heartbeat.sent')).toEqual([3 * MIN, 6 * MIN, 9 * MIN]);
    expect(w.events(NAME, 'heartbeat.reply').map((e) => e.rttMs)).toEqual([0, 0, 0]);

    w.cut(); // at 10m; the last PINGRESP came at 9m
    const dead = await w.next(NAME, 'link.dead');
    expect(dead.t).toBe(9 * MIN + 1.5 * 3 * MIN); // mqtt.js' rule, counted from its last reschedule
    expect(dead.reason).toMatch(/keepalive timeout/);
    expect(checkDetection(w.trace.events, { client: SOURCE, death: { type: 'toxic.added', toxic: 'cut-up' }, boundMs: 1.5 * 3 * MIN }).status).toBe('pass');

    await w.clock.advance(2 * MIN); // reconnects into the blackhole: each CONNECT waits 10 s for a CONNACK
    w.heal();
    const back = await w.next(NAME, 'connected');
    // Each attempt into the blackhole is a TCP connect the proxy accepts and a CONNECT it drops: it
    // fails after connectTimeout (10s), then waits its delay. Healing at +120s does not save the attempt
    // made at +112s: its CONNECT is already gone.
    const attempts = w.events(NAME, 'connect.attempt').filter((e) => e.t >= dead.t);
    expect(attempts.map((e) => (e.t - dead.t) / SEC)).toEqual([0, 0 + 10 + 2, 12 + 10 + 4, 26 + 10 + 8, 44 + 10 + 16, 70 + 10 + 32, 112 + 10 + 64]);
    expect(back.attempt).toBe(7);
    expect(checkBackoff(w.trace.events, { client: SOURCE, expect: { exact: [0, 2, 4, 8, 16, 32, 64].map((s) => s * SEC) } }).status).toBe('pass');
  });

  it('raises no false alarm over 6 virtual hours of 300 ± 100 ms latency each way', async () => {
    const { w } = await connected();
    w.proxy.toxics.add({ name: 'slow-up', type: 'latency', stream: 'upstream', attributes: { latency: 300, jitter: 100 } });
    w.proxy.toxics.add({ name: 'slow-down', type: 'latency', stream: 'downstream', attributes: { latency: 300, jitter: 100 } });
    await w.clock.advance(6 * HOUR);
    expect(checkNoFalseAlarm(w.trace.events, { client: SOURCE, from: { type: 'toxic.added', toxic: 'slow-up' } }).status).toBe('pass');
    expect(w.events(NAME, 'connect.attempt')).toHaveLength(1);
    const sent = times(w, 'heartbeat.sent');
    const replies = w.events(NAME, 'heartbeat.reply');
    for (const reply of replies) expect(reply.rttMs).toBeGreaterThanOrEqual(400), expect(reply.rttMs).toBeLessThanOrEqual(800);
    // mqtt.js counts the keepalive from the last PINGRESP, so the period is keepalive + RTT: 119 pings in 6h, not 120.
    expect(sent).toHaveLength(119);
    for (let i = 1; i < sent.length; i++) expect(sent[i]! - replies[i - 1]!.t).toBe(3 * MIN);
  });
});

describe('MqttReferenceClient under a 5-minute NAT', () => {
  const nat = (w: MqttWorld) => w.proxy.toxics.add({ name: 'nat', type: 'nat_idle', attributes: { timeout: 5 * MIN } });

  it('keepalive 3m keeps the mapping alive for 24 virtual hours: zero reconnects', async () => {
    const w = (world = await MqttWorld.create());
    nat(w);
    const client = w.client(NAME, { keepalive: '3m' });
    client.connect();
    await w.clock.advance(24 * HOUR);
    expect(checkKeepalive(w.trace.events, { client: SOURCE, windowMs: 24 * HOUR - 1, natTimeoutMs: 5 * MIN, endAt: 24 * HOUR }).status).toBe('pass');
    expect(w.events(NAME, 'connect.attempt')).toHaveLength(1);
    expect(w.events(NAME, 'heartbeat.reply')).toHaveLength(24 * 20);
    expect(w.trace.ofType('nat.expired')).toHaveLength(0);
  });

  it('keepalive 6m does not: the mapping expires at 5m idle and the client notices at 9m, every time', async () => {
    const w = (world = await MqttWorld.create());
    nat(w);
    const client = w.client(NAME, { keepalive: '6m' });
    client.connect();
    await w.clock.advance(HOUR);
    const expired = w.trace.ofType('nat.expired').map((e) => e.t);
    const dead = w.events(NAME, 'link.dead');
    expect(dead.length).toBeGreaterThanOrEqual(6);
    expect(expired[0]).toBe(5 * MIN);
    expect(dead[0]!.t).toBe(9 * MIN); // PINGREQ at 6m into the dead mapping, given up at 1.5 x 6m
    for (const [i, d] of dead.entries()) {
      expect(d.reason).toMatch(/keepalive timeout/);
      expect(d.t - expired[i]!).toBe(4 * MIN);
    }
  });
});

describe('MqttReferenceClient reconnects', () => {
  it('follows the Backoff policy exactly while the broker is down, and starts over after a stable connection', async () => {
    const { w } = await connected(); // policy defaults: at once, then 2s doubling to 64s, reset after 30s up
    await w.clock.run(() => w.broker.stop('crash'));
    await w.until((e) => e.source === SOURCE && e.type === 'reconnect.scheduled' && e.attempt === 9);
    await w.clock.run(() => w.broker.start());
    await w.next(NAME, 'connected', { since: w.now });
    const delays = w.events(NAME, 'reconnect.scheduled').map((e) => e.delayMs);
    expect(delays).toEqual([0, 2, 4, 8, 16, 32, 64, 64, 64].map((s) => s * SEC));
    const expectation = { exact: [0, 2, 4, 8, 16, 32, 64].map((s) => s * SEC), resetAfterMs: 30 * SEC };
    expect(checkBackoff(w.trace.events, { client: SOURCE, expect: expectation }).status).toBe('pass');

    await w.clock.advance(MIN); // stable: the next outage starts the schedule again
    await w.clock.run(() => w.broker.stop('graceful'));
    await w.until((e) => e.source === SOURCE && e.type === 'reconnect.scheduled' && e.attempt === 3);
    expect(w.events(NAME, 'reconnect.scheduled').slice(9).map((e) => e.delayMs)).toEqual([0, 2 * SEC, 4 * SEC]);
  });

  it('gives up after maxAttempts and stays down', async () => {
    const { w, client } = await connected({ backoff: { maxAttempts: 3 } });
    await w.clock.run(() => w.broker.stop('reset'));
    const gaveUp = await w.next(NAME, 'reconnect.gave_up');
    expect(gaveUp.attempts).toBe(3);
    expect(client.state).toBe('closed');
    await w.clock.advance(HOUR);
    expect(w.events(NAME, 'connect.attempt')).toHaveLength(4);
  });

  it('never reconnects after the user disconnects, whether open or waiting to retry', async () => {
    const { w, client } = await connected();
    await w.clock.run(() => client.disconnect());
    expect(client.state).toBe('closed');
    expect(w.trace.of('server:broker').at(-1)).toMatchObject({ type: 'server.closed', client: `flatline-${NAME}` });
    await w.clock.advance(HOUR);

    client.connect(); // the user connects again, then the broker goes away, then the user gives up
    await w.next(NAME, 'connected', { since: w.now });
    await w.clock.run(() => w.broker.stop('crash'));
    await w.until((e) => e.source === SOURCE && e.type === 'reconnect.scheduled' && e.attempt === 3);
    await w.clock.run(() => client.disconnect());
    await w.clock.run(() => w.broker.start());
    await w.clock.advance(HOUR);

    const history = reconnectHistory(w.trace.events, SOURCE);
    expect(history.afterUserDisconnect).toBe(0);
    expect(w.events(NAME, 'disconnect.requested')).toHaveLength(2);
    expect(w.events(NAME, 'link.dead')).toHaveLength(1); // only the crash; a user's disconnect is no dead link
    expect(client.state).toBe('closed');
  });
});

describe('MqttReferenceClient delivery: 1,000 messages across a broker crash and a blackhole', () => {
  const cases: [Guarantee, Partial<ReturnType<typeof countDelivery>>][] = [
    ['at-most-once', { duplicated: 0, unexpected: 0 }],
    ['at-least-once', { lost: 0, unexpected: 0, acknowledged: 1000 }],
    ['exactly-once', { lost: 0, duplicated: 0, unexpected: 0, acknowledged: 1000, ok: 1000 }],
  ];

  it.each(cases)('%s', async (guarantee, expected) => {
    const { w, client } = await connected({ guarantee, keepalive: '30s' });
    await sendSteadily(w, client, 250);
    await w.clock.run(() => w.broker.stop('crash'));
    await sendSteadily(w, client, 250); // queued by mqtt.js while the broker is down
    await w.clock.run(() => w.broker.start());
    await w.next(NAME, 'connected', { since: w.now });
    await sendSteadily(w, client, 250);
    const cutAt = w.now;
    w.cut();
    await sendSteadily(w, client, 250); // into the blackhole
    await w.next(NAME, 'link.dead', { since: cutAt });
    w.heal();
    await w.next(NAME, 'connected', { since: cutAt });
    await w.clock.advance(10 * MIN);

    const counts = countDelivery(w.trace.events);
    expect(counts.attempted).toBe(1000);
    expect(counts).toMatchObject(expected);
    expect(checkDelivery(w.trace.events, { guarantee }).status).toBe('pass');
    if (guarantee === 'at-most-once') expect(counts.ok).toBeLessThan(1000); // what went into the blackhole is gone
  });
});

describe('MqttReferenceClient when acks are lost', () => {
  it('declares the link dead after ackTimeout and reconnects, so the session resends and nothing stays unresolved', async () => {
    const { w, client } = await connected({ guarantee: 'at-least-once', keepalive: '3m', ackTimeout: '10s' });
    await sendSteadily(w, client, 50);
    const cutAt = w.now;
    w.proxy.toxics.add({ name: 'acks-lost', type: 'blackhole', stream: 'downstream' }); // PUBACKs vanish, 1m: under 1.5 x keepalive
    await sendSteadily(w, client, 100);
    const dead = await w.next(NAME, 'link.dead', { since: cutAt });
    expect(dead.reason).toBe('ack timeout: no ack for m-51 within 10s');
    expect(dead.t - cutAt).toBe(10 * SEC);
    await w.clock.advance(50 * SEC);
    w.proxy.toxics.remove('acks-lost');
    await sendSteadily(w, client, 50);
    await w.clock.advance(5 * MIN);
    const counts = countDelivery(w.trace.events);
    expect(counts).toMatchObject({ attempted: 200, acknowledged: 200, lost: 0, unresolved: 0 });
    expect(checkDelivery(w.trace.events, { guarantee: 'at-least-once' }).status).toBe('pass');
  });
});

describe('MqttReferenceClient bad input and cleanup', () => {
  it('keeps retrying a closed port on schedule without crashing or leaving a rejection behind', async () => {
    const w = (world = await MqttWorld.create());
    const port = await w.clock.run(unusedPort);
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const client = w.client(NAME, { url: `mqtt://127.0.0.1:${port}` });
      client.connect();
      await w.until((e) => e.source === SOURCE && e.type === 'reconnect.scheduled' && e.attempt === 5);
      expect(w.events(NAME, 'reconnect.scheduled').map((e) => e.delayMs)).toEqual([0, 2, 4, 8, 16].map((s) => s * SEC));
      expect(w.events(NAME, 'link.dead')).toHaveLength(0); // never open, so never declared dead
      expect(client.state).toBe('waiting');
      await w.clock.run(() => client.close());
      expect(client.state).toBe('closed');
      await new Promise((resolve) => setImmediate(resolve));
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('rejects a bad URL or keepalive with a clear FlatlineError', () => {
    const ctx = { name: 'bad', clock: { now: () => 0 } as never, trace: () => {}, rng: { fork: () => ({}) } as never };
    const attempt = (options: MqttClientOptions) => () => new MqttReferenceClient(ctx, options);
    for (const [options, message] of [
      [{ url: 'not a url' }, /mqtt client "bad"\.url "not a url" is not a usable MQTT URL: it is not a URL; write it like "mqtt:\/\/127\.0\.0\.1:1883"/],
      [{ url: 'http://127.0.0.1:1883' }, /protocol "http:" is not supported/],
      [{ url: 'mqtt://127.0.0.1:1883', keepalive: '90500ms' }, /keepalive must be whole seconds/],
      [{ url: 'mqtt://127.0.0.1:1883', keepalive: '0s' }, /keepalive must be longer than 0/],
      [{ url: 'mqtt://127.0.0.1:1883', guarantee: 'twice' as Guarantee }, /guarantee must be one of/],
      [{ url: 'mqtt://127.0.0.1:1883', maxInflight: 0 }, /maxInflight must be a whole number from 1 to 65535/],
      [{ url: 'mqtt://127.0.0.1:1883', keepAlive: '3m' } as MqttClientOptions, /unknown option "keepAlive"/],
    ] as const) {
      expect(attempt(options)).toThrow(message);
      try {
        attempt(options)();
      } catch (err) {
        expect(isFlatlineError(err, 'FLATLINE_ERR_CLIENT')).toBe(true);
      }
    }
  });

  it('leaves no socket and no timer behind after close()', async () => {
    const w = (world = await MqttWorld.create());
    const before = w.clock.pendingTimers();
    const client = w.client(NAME, { keepalive: '30s' });
    client.connect();
    await w.next(NAME, 'connected');
    for (let i = 0; i < 10; i++) client.send({ i });
    w.cut();
    await w.next(NAME, 'link.dead');
    w.heal();
    await w.next(NAME, 'connected', { since: w.now });
    await w.clock.run(() => client.close());
    await w.clock.run(() => client.close()); // twice is fine
    expect(w.clock.pendingTimers()).toBe(before);

    await w.clock.run(() => w.network.close());
    await w.clock.run(() => w.broker.close());
    expect(w.clock.io.openSockets()).toEqual([]);
    await w.clock.advance(0); // mqtt.js closes its store streams on a 0 ms timer
    expect(w.clock.pendingTimers()).toBe(0);
  });
});

/** A loopback port nothing listens on. */
async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
