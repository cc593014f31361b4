import { afterEach, expect, it } from 'vitest';
import { fakeContext } from '../../../test/support/client-events.ts';
import { FakeMqttClient } from '../../../test/support/fake-mqtt.ts';
import { isKeepaliveTimeout, traceKeepalive } from './keepalive.ts';

let ctx: ReturnType<typeof fakeContext> | undefined;
afterEach(() => ctx?.clock.uninstall());

it('traces each PINGREQ as heartbeat.sent and its PINGRESP as heartbeat.reply with the round trip', async () => {
  const c = (ctx = fakeContext());
  const client = new FakeMqttClient();
  traceKeepalive(client.asMqtt, c.events, c.clock);
  client.send({ cmd: 'publish' });
  client.send({ cmd: 'pingreq' });
  await c.clock.advance(80);
  client.receive({ cmd: 'pingresp' });
  client.receive({ cmd: 'pingresp' }); // answers no PINGREQ
  expect(c.seen()).toEqual(['heartbeat.sent', 'heartbeat.reply:80']);
});

it('forgets an unanswered PINGREQ when the connection closes', () => {
  const c = (ctx = fakeContext());
  const client = new FakeMqttClient();
  traceKeepalive(client.asMqtt, c.events, c.clock);
  client.send({ cmd: 'pingreq' });
  client.emit('close');
  client.receive({ cmd: 'pingresp' });
  expect(c.seen()).toEqual(['heartbeat.sent']);
});

it("recognises mqtt.js' keepalive error by its message", () => {
  expect(isKeepaliveTimeout(new Error('Keepalive timeout'))).toBe(true);
  expect(isKeepaliveTimeout(new Error('connect ECONNREFUSED'))).toBe(false);
});
