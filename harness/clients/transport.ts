import type { WireMessage } from '../protocol/messages.ts';

/** What a transport tells the reference client. */
export interface TransportEvents {
  open(): void;
  /** Any inbound frame, heartbeat replies included: proof the link is alive. */
  activity(): void;
  message(message: WireMessage): void;
  /** A reply to our heartbeat. */
  pong(): void;
  /** The connection is gone (or never came up); `reason` says how. Called at most once. */
  closed(reason: string): void;
}

/** One connection attempt of a reference client over one protocol (TCP frames, WebSocket). */
export interface Transport {
  send(message: WireMessage): boolean;
  /** Send one heartbeat. */
  ping(): void;
  /** Close politely (the user asked). */
  close(): void;
  /** Drop the connection at once (the link was declared dead). */
  destroy(): void;
}

export type Dial = (events: TransportEvents) => Transport;
