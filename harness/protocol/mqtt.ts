/**
 * The MQTT side of flatline's wire format, shared by the clients that publish and the recorder that
 * reads: every client publishes to `flatline/<client>` with the JSON payload {id, body}.
 */
export const MQTT_TOPIC_ROOT = 'flatline';

export function mqttTopic(client: string): string {
  return `${MQTT_TOPIC_ROOT}/${client}`;
}

export function encodeMqttPayload(id: string, body: unknown): string {
  return JSON.stringify({ id, body });
}

/** The id of a payload encodeMqttPayload wrote; anything else is `unreadable:` and its first bytes (unexpected in the delivery check). */
export function decodeMqttPayloadId(payload: Buffer): string {
  try {
    const message = JSON.parse(payload.toString()) as { id?: unknown };
    if (typeof message.id === 'string') return message.id;
  } catch {
    // not JSON: unreadable below
  }
  return `unreadable:${payload.toString('utf8', 0, 40)}`;
}

/** Where an mqtt:// URL points; `problem` says what is wrong with it instead. */
export type ParsedMqttUrl = { host: string; port: number } | { problem: string };

/** Accepts mqtt://host[:port] and tcp://host[:port] (port 1883 by default); TLS and WebSocket brokers are not supported. */
export function parseMqttUrl(url: unknown): ParsedMqttUrl {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return { problem: 'it is not a URL' };
  }
  if (parsed.protocol !== 'mqtt:' && parsed.protocol !== 'tcp:') {
    return { problem: `protocol "${parsed.protocol}" is not supported (only mqtt:// and tcp://)` };
  }
  if (parsed.hostname === '') return { problem: 'it has no host' };
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: parsed.port === '' ? 1883 : Number(parsed.port) };
}
