import { MqttjsRawClient, type MqttjsOptions } from '../../harness/clients/mqttjs-raw.ts';
import { mqttTopic } from '../../harness/protocol/mqtt.ts';
import type { NatSpec } from '../../harness/scenario/nat-spec.ts';
import { placeSubject } from '../../harness/scenario/topology.ts';
import { World } from '../../harness/scenario/world.ts';
import { MqttBroker } from '../../harness/servers/mqtt-broker.ts';
import type { TraceEvent } from '../../harness/trace/trace.ts';

/** The publisher's own host, on the open internet (TEST-NET-1, RFC 5737): no NAT between it and the broker. */
const PUBLISHER_ADDRESS = '192.0.2.3';

export interface PushOptions {
  /** The subscriber's NAT, placed as a scenario's (scenario/topology.ts). */
  nat: NatSpec;
  /** The subscriber's mqtt.js options. */
  subscriber: MqttjsOptions;
  /** When the publisher publishes (virtual ms): once, or from then on every `publishEveryMs` up to the horizon. */
  publishAtMs: number;
  publishEveryMs?: number;
  horizonMs: number;
  seed?: number;
}

/**
 * The IM push case on the simulated network, which a scenario cannot say yet (its one subject only
 * sends): raw mqtt.js "subject" behind the NAT, subscribed to the publisher's topic; raw mqtt.js
 * "publisher" on a host of its own; aedes "server" behind its proxy on the server host, as in a run.
 * Both connect at 0; the publisher publishes; the trace up to the horizon comes back.
 */
export async function runPush(o: PushOptions): Promise<TraceEvent[]> {
  const world = new World({ seed: o.seed ?? 1, network: 'sim' });
  try {
    const sim = world.sim!;
    const proxy = await world.addServer(new MqttBroker(world.serverContext('server')));
    const place = placeSubject(sim, proxy.listen.port, o.nat, world.trace.sink);
    const url = `mqtt://${place.target.host}:${place.target.port}`;
    const subscriber = world.addClient(() => new MqttjsRawClient(world.clientContext('subject'), { url, ...o.subscriber }, { subscribe: mqttTopic('publisher') }), { host: place.host });
    // keepalive off: nothing stands between the publisher and the broker to detect, and a day of pings would only cost time
    const publisher = world.addClient(() => new MqttjsRawClient(world.clientContext('publisher'), { url, keepalive: 0 }), { host: sim.addHost('publisher', PUBLISHER_ADDRESS) });
    subscriber.connect();
    publisher.connect();
    for (let at = o.publishAtMs, n = 1; at <= o.horizonMs; at += o.publishEveryMs ?? o.horizonMs, n++) {
      const push = n;
      world.clock.setTimeout(() => publisher.send({ push }), at);
    }
    await world.idle(o.horizonMs);
    return world.trace.events.slice();
  } finally {
    await world.close();
  }
}
