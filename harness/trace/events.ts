/**
 * The event vocabulary of a trace: what clients, servers and the fault network report.
 * Checks read only these; a new client adapter must speak them to be judged.
 * Every event also carries `t` (virtual ms since the run began) and `source`.
 */
export type ClientState = 'connecting' | 'open' | 'closing' | 'closed' | 'waiting';

export type Guarantee = 'at-most-once' | 'at-least-once' | 'exactly-once';

/** Events a client adapter emits (source "client:<name>"). */
export type ClientEvent =
  | { type: 'state'; state: ClientState }
  /** A connection attempt begins; attempt 0 is the first connect, 1.. are reconnects. */
  | { type: 'connect.attempt'; attempt: number }
  | { type: 'connected'; attempt: number }
  | { type: 'heartbeat.sent' }
  | { type: 'heartbeat.reply'; rttMs: number }
  /** The client decided the link is dead (heartbeat timeout, keepalive timeout, close, error). */
  | { type: 'link.dead'; reason: string }
  | { type: 'reconnect.scheduled'; attempt: number; delayMs: number }
  | { type: 'reconnect.gave_up'; attempts: number }
  /** The user asked for a disconnect: no reconnect may follow. */
  | { type: 'disconnect.requested' }
  | { type: 'message.sent'; id: string }
  | { type: 'message.acked'; id: string }
  /** A message pushed to the client (another client's, through an MQTT subscription) reached its application. */
  | { type: 'message.received'; id: string }
  | { type: 'message.failed'; id: string; reason: string };

/** Events a server emits (source "server:<name>"). */
export type ServerEvent =
  | { type: 'server.started' }
  | { type: 'server.stopped'; mode: 'graceful' | 'crash' }
  | { type: 'server.accepted'; client?: string }
  | { type: 'server.closed'; client?: string; reason: string }
  /** A message reached the receiving application (after any dedupe). */
  | { type: 'message.delivered'; id: string; client?: string };

/** Events of the fault network (sources "proxy:<name>" and "link:<proxy>#<n>"). */
export type NetEvent =
  | { type: 'link.opened'; link: string }
  | { type: 'link.closed'; link: string; how: 'fin' | 'reset' }
  | { type: 'toxic.added'; toxic: string; toxicType: string; stream: string }
  | { type: 'toxic.updated'; toxic: string }
  | { type: 'toxic.removed'; toxic: string }
  | { type: 'proxy.enabled' }
  | { type: 'proxy.disabled' }
  | { type: 'nat.expired'; link: string; idleMs: number }
  | { type: 'half_open.cut'; link: string; side: 'client' | 'server' };

export type FlatlineEvent = ClientEvent | ServerEvent | NetEvent;
