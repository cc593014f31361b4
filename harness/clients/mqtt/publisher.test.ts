import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../../../test/support/client-events.ts';
import { FakeMqttClient } from '../../../test/support/fake-mqtt.ts';
import { MqttPublisher, type MqttPublisherOptions } from './publisher.ts';

let ctx: ReturnType<typeof fakeContext> | undefined;
afterEach(() => ctx?.clock.uninstall());

/** A publisher on a fake client; `options` may use the world's clock. */
function publisher(options: Partial<MqttPublisherOptions> | ((c: ReturnType<typeof fakeContext>) => Partial<MqttPublisherOptions>) = {}) {
  const c = (ctx = fakeContext());
  const client = new FakeMqttClient();
  const extra = typeof options === 'function' ? options(c) : options;
  const p = new MqttPublisher({ name: 'c', client: client.asMqtt, events: c.events, qos: 1, retryUnsent: false, maxInflight: 2, ...extra });
  return { c, client, p };
}

const flushMicrotasks = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('MqttPublisher', () => {
  it("publishes {id, body} to flatline/<name> with the guarantee's QoS, and traces the ack", () => {
    const { c, client, p } = publisher({ qos: 2, retain: true });
    expect(p.send({ n: 1 })).toBe('c-1');
    expect(client.publishes.map(({ topic, payload, options }) => ({ topic, payload, options }))).toEqual([
      { topic: 'flatline/c', payload: '{"id":"c-1","body":{"n":1}}', options: { qos: 2, retain: true } },
    ]);
    client.publishes[0]!.finish();
    expect(c.seen()).toEqual(['message.sent:c-1', 'message.acked:c-1']);
  });

  it('keeps at most maxInflight QoS 1 messages unacked; a failure frees its place too', () => {
    const { c, client, p } = publisher();
    for (let i = 0; i < 4; i++) p.send(i);
    expect(client.publishes).toHaveLength(2);
    client.publishes[0]!.finish(new Error('client disconnecting'));
    expect(client.publishes).toHaveLength(3);
    expect(c.seen()).toContain('message.failed:c-1:client disconnecting');
  });

  it('has no window at QoS 0', () => {
    const { client, p } = publisher({ qos: 0 });
    for (let i = 0; i < 50; i++) p.send(i);
    expect(client.publishes).toHaveLength(50);
  });

  it('with retryUnsent, publishes again what a close dropped unsent, under the same id', async () => {
    const { c, client, p } = publisher({ retryUnsent: true });
    p.send('x');
    client.publishes[0]!.finish(new Error('Connection closed'));
    await flushMicrotasks();
    expect(client.publishes.map((x) => x.payload)).toEqual(['{"id":"c-1","body":"x"}', '{"id":"c-1","body":"x"}']);
    expect(c.seen()).toEqual(['message.sent:c-1']);
  });

  it('tells the owner of a QoS 1 message left unacked for ackTimeout, until the ack comes', async () => {
    const overdue: string[] = [];
    const { c, client, p } = publisher(({ clock }) => ({ ackTimeout: { ms: 10_000, clock, ackTimedOut: (id) => overdue.push(id) } }));
    p.send('x');
    await c.clock.advance(25_000);
    expect(overdue).toEqual(['c-1', 'c-1']);
    client.publishes[0]!.finish();
    await c.clock.advance(60_000);
    expect(overdue).toHaveLength(2);
  });
});
