import { expect, it } from 'vitest';
import { FakeMqttClient } from '../../../test/support/fake-mqtt.ts';
import { endByUser } from './connection.ts';

it("sends DISCONNECT only when connected with nothing in flight; otherwise ends at once, keeping the session's messages", async () => {
  const client = new FakeMqttClient();
  client.connected = true;
  await endByUser(client.asMqtt);
  expect(client.ended).toBe(false); // clean: DISCONNECT
  client.outgoing = { 1: {} };
  await endByUser(client.asMqtt);
  expect(client.ended).toBe(true); // forced: mqtt.js would wait for the ack first
  client.outgoing = {};
  client.connected = false;
  await endByUser(client.asMqtt);
  expect(client.ended).toBe(true);
});
