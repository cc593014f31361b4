import { afterEach, describe, expect, it } from 'vitest';
import { MqttWorld } from '../../test/support/mqtt-world.ts';
import { checkBackoff } from '../checks/backoff.ts';
import { countDelivery } from '../checks/delivery.ts';
import { reconnectHistory } from '../checks/reconnects.ts';
import { mqttTopic } from '../protocol/mqtt.ts';

const SEC = 1000;
const MIN = 60 * SEC;
const NAME = 'raw';
const SOURCE = `client:${NAME}`;

let world: MqttWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function connected() {
  const w = (world = await MqttWorld.create());
  const client = w.raw(NAME);
  client.connect();
  await w.next(NAME, 'connected');
  return { w, client };
}

/** What mqtt.js 5 really does with its defaults (keepalive 60 s, reconnectPeriod 1 s, connectTimeout 30 s). */
describe('raw mqtt.js, defaults untouched', () => {
  it('declares a blackholed link dead 90 s after its last keepalive reset (1.5 x 60 s), then retries 1 s after every failure', async () => {
    const { w } = await connected();
    w.cut(); // at the CONNACK: the keepalive was just set
    const dead = await w.next(NAME, 'link.dead');
    expect(w.events(NAME, 'heartbeat.sent').map((e) => e.t)).toEqual([60 * SEC]);
    expect(dead.t).toBe(90 * SEC);
    expect(dead.reason).toMatch(/keepalive timeout/);

    await w.clock.advance(2 * MIN);
    w.heal();
    const back = await w.next(NAME, 'connected', { since: w.now });
    // Into the blackhole every attempt waits out connectTimeout (30 s), then 1 s: a 31 s cycle, not 1 s.
    const attempts = w.events(NAME, 'connect.attempt').filter((e) => e.t > 0);
    expect(attempts.map((e) => (e.t - dead.t) / SEC)).toEqual([1, 32, 63, 94, 125]);
    expect(back.t).toBe(attempts.at(-1)!.t);
    expect(w.events(NAME, 'reconnect.scheduled').every((e) => e.delayMs === SEC)).toBe(true);
    expect(checkBackoff(w.trace.events, { client: SOURCE, expect: { exact: [SEC] } }).status).toBe('pass');
  });

  it('retries every 1000 ms, fixed, for as long as the broker is down', async () => {
    const { w } = await connected();
    await w.clock.run(() => w.broker.stop('crash'));
    const down = w.now;
    await w.clock.advance(30 * SEC);
    await w.clock.run(() => w.broker.start());
    await w.next(NAME, 'connected', { since: w.now });
    const attempts = w.events(NAME, 'connect.attempt').filter((e) => e.t > down);
    expect(attempts).toHaveLength(31);
    expect(attempts.map((e, i) => e.t - down - (i + 1) * SEC)).toEqual(attempts.map(() => 0));
    expect(checkBackoff(w.trace.events, { client: SOURCE, expect: { exact: [SEC] } }).status).toBe('pass');
  });

  it('does not reconnect after end()', async () => {
    const { w, client } = await connected();
    await w.clock.run(() => client.disconnect());
    await w.clock.advance(10 * MIN);
    expect(reconnectHistory(w.trace.events, SOURCE).afterUserDisconnect).toBe(0);
    expect(w.events(NAME, 'connect.attempt')).toHaveLength(1);
    expect(client.state).toBe('closed');
  });

  it('with QoS 1, loses nothing across a blackhole: it replays its store on reconnect, clean session or not', async () => {
    const { w, client } = await connected();
    w.cut();
    for (let i = 0; i < 100; i++) client.send({ i });
    await w.next(NAME, 'link.dead');
    w.heal();
    await w.next(NAME, 'connected', { since: w.now });
    await w.clock.advance(MIN);
    expect(countDelivery(w.trace.events)).toMatchObject({ attempted: 100, acknowledged: 100, ok: 100, lost: 0, duplicated: 0 });
  });

  it("with a subscription, traces each message another client publishes to it as message.received, and no one else's", async () => {
    const { w, client } = await connected(); // publishes to flatline/raw, subscribed to nothing
    const inbox = w.raw('inbox', {}, { subscribe: mqttTopic('pub') });
    const pub = w.raw('pub');
    inbox.connect();
    pub.connect();
    await w.next('inbox', 'connected', { since: 0 });
    await w.next('pub', 'connected', { since: 0 });
    await w.clock.advance(SEC); // the SUBSCRIBE is in
    pub.send({ n: 1 });
    client.send({ n: 2 }); // to flatline/raw: not the inbox's topic
    const got = await w.next('inbox', 'message.received');
    expect(got.id).toBe('pub-1');
    await w.clock.advance(MIN);
    expect(w.events('inbox', 'message.received').map((e) => e.id)).toEqual(['pub-1']);
    expect(w.events(NAME, 'message.received')).toEqual([]);
    expect(w.events('pub', 'message.received')).toEqual([]);
  });
});
