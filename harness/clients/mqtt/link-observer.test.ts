import { afterEach, describe, expect, it } from 'vitest';
import { fakeContext } from '../../../test/support/client-events.ts';
import { FakeMqttClient } from '../../../test/support/fake-mqtt.ts';
import { MqttLinkObserver } from './link-observer.ts';

let ctx: ReturnType<typeof fakeContext> | undefined;
afterEach(() => ctx?.clock.uninstall());

function observed() {
  const c = (ctx = fakeContext());
  const client = new FakeMqttClient();
  const hooks: string[] = [];
  const link = new MqttLinkObserver(client.asMqtt, c.events, { opened: () => hooks.push('opened'), closed: () => hooks.push('closed') });
  return { c, client, link, hooks };
}

describe('MqttLinkObserver', () => {
  it('opens on an accepted CONNACK only', () => {
    const { client, link, hooks } = observed();
    client.receive({ cmd: 'connack', returnCode: 5 }); // not authorized
    expect(link.isOpen).toBe(false);
    client.receive({ cmd: 'connack', reasonCode: 0 });
    expect(link.isOpen).toBe(true);
    expect(hooks).toEqual(['opened']);
  });

  it("declares the link dead at mqtt.js' keepalive timeout, once, before the close that follows", () => {
    const { c, client, hooks } = observed();
    client.receive({ cmd: 'connack', returnCode: 0 });
    client.emit('error', new Error('Keepalive timeout'));
    expect(c.seen()).toEqual(['link.dead:keepalive timeout: no PINGRESP within 1.5 x keepalive']);
    client.emit('close');
    expect(c.seen()).toHaveLength(1);
    expect(hooks).toEqual(['opened', 'closed']);
  });

  it("names a close after an error with the error's message, and a bare close as the peer's", () => {
    const { c, client, link } = observed();
    client.receive({ cmd: 'connack', returnCode: 0 });
    client.emit('error', new Error('read ECONNRESET'));
    client.emit('close');
    link.attempting();
    client.receive({ cmd: 'connack', returnCode: 0 });
    client.emit('close');
    expect(c.seen()).toEqual(['link.dead:read ECONNRESET', 'link.dead:connection closed by the peer']);
  });

  it('says nothing about a close the user asked for, and never asks to reconnect after it', () => {
    const { c, client, link, hooks } = observed();
    client.receive({ cmd: 'connack', returnCode: 0 });
    link.closingByUser();
    client.emit('close');
    expect(c.seen()).toEqual([]);
    expect(hooks).toEqual(['opened']);
  });

  it("keeps the owner's own verdict as the reason", () => {
    const { c, client, link } = observed();
    client.receive({ cmd: 'connack', returnCode: 0 });
    link.declare('ack timeout: no ack for c-1 within 10s');
    client.emit('close');
    expect(c.seen()).toEqual(['link.dead:ack timeout: no ack for c-1 within 10s']);
  });

  it('never declares a link dead that was not open (a failed connect)', () => {
    const { c, client, hooks } = observed();
    client.emit('error', new Error('connect ECONNREFUSED'));
    client.emit('close');
    expect(c.seen()).toEqual([]);
    expect(hooks).toEqual(['closed']);
  });
});
