import { MqttjsRawClient, type MqttjsProfile } from '../clients/mqttjs-raw.ts';
import { mqttTopic } from '../protocol/mqtt.ts';
import { registerBuiltInSubject, type NoOptions } from '../scenario/subjects.ts';
import { MqttBroker } from '../servers/mqtt-broker.ts';
import { brokerFromUrl } from '../servers/mosquitto.ts';

/** MQTTKit's MQTTClient defaults: keepAlive 60 s, cleanSession YES. */
const KEEPALIVE_S = 60;

/**
 * `seed-mqttkit`: the MQTTManager of seed 002, on MQTTKit. Its client id is its topic (KClientID):
 * on connect it subscribes to its own id, and sendMsg publishes to it with QoS 2 (ExactlyOnce) and
 * retain YES. MQTTKit's defaults stay: keepalive 60 s, a clean session. The manager has no reconnect
 * of its own: connect is initSocket, and nothing calls it again after a drop, so neither does this.
 * mqtt.js stands in for MQTTKit's libmosquitto: same packets, same keepalive rule (dead at 1.5 x).
 */
export function mqttkitProfile(name: string): MqttjsProfile {
  const id = mqttTopic(name); // its id is the topic it publishes to, under flatline/ so the recorder sees it
  return { connect: { clientId: id, keepalive: KEEPALIVE_S, clean: true, reconnectPeriod: 0 }, retain: true, subscribe: id };
}

registerBuiltInSubject<NoOptions>({
  kind: 'seed-mqttkit',
  protocol: 'mqtt',
  description: 'seed article 002: MQTTKit manager; QoS 2 + retain to its own id, keepalive 60s, clean session, no reconnect',
  promises: () => ({ detectionBoundMs: 1.5 * KEEPALIVE_S * 1000, guarantee: 'exactly-once' }),
  createServer: (ctx, spec) => (spec.brokerUrl ? brokerFromUrl(ctx, spec.brokerUrl) : new MqttBroker(ctx)),
  createClient: (ctx, target) => new MqttjsRawClient(ctx, { url: `mqtt://${target.host}:${target.port}`, guarantee: 'exactly-once' }, mqttkitProfile(ctx.name)),
});

declare module '../scenario/subjects.ts' {
  interface SubjectKinds {
    'seed-mqttkit': NoOptions;
  }
}
