import { FlatlineError } from '../util/errors.ts';

/**
 * The application messages the reference TCP and WebSocket clients and servers exchange, as JSON.
 * hello names the client (so the server can dedupe per sender) and is answered by welcome; msg carries
 * an id the server acks.
 */
export type WireMessage =
  | { t: 'hello'; client: string }
  /** The server's answer to hello: only now is the connection open end to end (a proxy accepts before the server does). */
  | { t: 'welcome' }
  | { t: 'msg'; id: string; body: unknown }
  | { t: 'ack'; id: string };

export function encodeMessage(message: WireMessage): string {
  return JSON.stringify(message);
}

/** Parses one message; anything else is a protocol error with the offending text in the message. */
export function decodeMessage(text: string): WireMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FlatlineError('FLATLINE_ERR_CLIENT', `protocol error: not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
  const m = value as Partial<Record<string, unknown>>;
  if (m && typeof m === 'object') {
    if (m.t === 'hello' && typeof m.client === 'string') return { t: 'hello', client: m.client };
    if (m.t === 'welcome') return { t: 'welcome' };
    if (m.t === 'msg' && typeof m.id === 'string') return { t: 'msg', id: m.id, body: m.body };
    if (m.t === 'ack' && typeof m.id === 'string') return { t: 'ack', id: m.id };
  }
  throw new FlatlineError('FLATLINE_ERR_CLIENT', `protocol error: unknown message: ${JSON.stringify(text.slice(0, 80))}`);
}
