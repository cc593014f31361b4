import type { MqttClient, Packet } from 'mqtt';
import type { ClientEvents } from '../adapter.ts';
import { isKeepaliveTimeout, KEEPALIVE_DEAD } from './keepalive.ts';

/** What the owner of an mqtt.js client does when its connection opens (CONNACK accepted) or closes. */
export interface LinkHooks {
  opened(): void;
  /** Closed by anything but the user: the owner may reconnect. */
  closed(): void;
}

/**
 * The connection's life as ClientEvents: open on an accepted CONNACK; link.dead, with the last
 * reason mqtt.js gave, when it dies while open (on mqtt.js' keepalive rule at once, else on close);
 * nothing on a close the user asked for.
 */
export class MqttLinkObserver {
  private open = false;
  private declaredDead = false;
  private lastError: string | undefined;
  private userClosing = false;

  constructor(
    client: MqttClient,
    private readonly events: ClientEvents,
    private readonly hooks: LinkHooks,
  ) {
    client.on('packetreceive', (packet) => this.received(packet));
    client.on('error', (err) => this.failed(err));
    client.on('close', () => this.closed());
  }

  /** A connection attempt begins: what was said about the last one no longer applies. */
  attempting(): void {
    this.userClosing = false;
    this.lastError = undefined;
  }

  /** The user closes the connection: that close is neither a dead link nor a reason to reconnect. */
  closingByUser(): void {
    this.userClosing = true;
  }

  get isOpen(): boolean {
    return this.open;
  }

  /** The owner decided the link is dead (acks stopped coming); the close that follows says no more. */
  declare(reason: string): void {
    this.lastError = reason;
    this.declareDead();
  }

  private received(packet: Packet): void {
    // MQTT 3.1.1 returnCode / MQTT 5 reasonCode 0: connection accepted
    if (packet.cmd !== 'connack' || (packet.reasonCode ?? packet.returnCode ?? 0) !== 0) return;
    this.open = true;
    this.declaredDead = false;
    this.hooks.opened();
  }

  private failed(err: Error): void {
    const keepalive = isKeepaliveTimeout(err);
    this.lastError = keepalive ? KEEPALIVE_DEAD : err.message;
    // mqtt.js has already destroyed the socket; 'close' follows, but the decision was made now.
    if (keepalive) this.declareDead();
  }

  private closed(): void {
    if (!this.userClosing) this.declareDead();
    this.open = false;
    if (!this.userClosing) this.hooks.closed();
  }

  private declareDead(): void {
    if (!this.open || this.declaredDead) return;
    this.declaredDead = true;
    this.events.emit({ type: 'link.dead', reason: this.lastError ?? 'connection closed by the peer' });
  }
}
