import * as v from 'valibot';
import type { TimerHandle } from '../clock/clock.ts';
import { Backoff, backoffOptionsSchema, type BackoffOptions } from '../policy/backoff.ts';
import { Heartbeat, heartbeatOptionsSchema, type HeartbeatOptions } from '../policy/heartbeat.ts';
import { Outbox, outboxOptionsSchema, type OutboxOptions } from '../policy/outbox.ts';
import { positiveDuration, strict } from '../schema/kit.ts';
import { toMs, type Duration } from '../util/duration.ts';
import type { ClientAdapter, ClientContext } from './adapter.ts';
import { Reconnector } from './reconnector.ts';
import { TracedClient } from './traced-client.ts';
import type { Dial, Transport } from './transport.ts';

export interface ReferenceClientOptions {
  /** Default: every 3m, reply within 10s, skipped while frames arrive. */
  heartbeat?: HeartbeatOptions;
  /** Default: at once, then 2s, 4s, ... capped at 64s, never giving up. */
  backoff?: BackoffOptions;
  /** Default: at-least-once, resend after 10s. */
  outbox?: Omit<OutboxOptions, 'idPrefix'>;
  /** A connection not open within this long counts as failed. Default '10s'. */
  connectTimeout?: Duration;
}

/** The options of the reference TCP and WebSocket subjects, as a scenario writes them. */
export const referenceClientOptionsSchema = strict(
  { heartbeat: v.optional(heartbeatOptionsSchema), backoff: v.optional(backoffOptionsSchema), outbox: v.optional(outboxOptionsSchema), connectTimeout: v.optional(positiveDuration) },
  'the reference client\'s options',
) satisfies v.GenericSchema<ReferenceClientOptions>;

/**
 * What a careful engineer builds (DESIGN.md, "Reference clients"): a ready state machine,
 * a heartbeat that declares a silent link dead, reconnects on a backoff schedule, an outbox that
 * keeps the delivery promise across reconnects, and no reconnect after a disconnect the user asked for.
 * The protocol is the Dial's business; this class is the same for TCP and WebSocket.
 */
export class ReferenceClient extends TracedClient implements ClientAdapter {
  private readonly heartbeat: Heartbeat;
  private readonly backoff: Backoff;
  private readonly outbox: Outbox;
  private readonly connectTimeoutMs: number;
  private transport: Transport | undefined;
  private readonly reconnector: Reconnector;
  private connectTimer: TimerHandle | undefined;
  private attempt = 0;
  /** Set once the user asked to disconnect (or close): nothing may reconnect after it. */
  private stopped = false;

  constructor(
    ctx: ClientContext,
    private readonly dial: Dial,
    options: ReferenceClientOptions = {},
  ) {
    super(ctx);
    this.connectTimeoutMs = toMs(options.connectTimeout ?? '10s', `client "${ctx.name}": connectTimeout`);
    this.heartbeat = new Heartbeat(ctx.clock, options.heartbeat ?? {}, {
      send: () => {
        this.transport?.ping();
        this.events.emit({ type: 'heartbeat.sent' });
      },
      dead: (reason) => this.lost(reason, true),
    });
    this.backoff = new Backoff(options.backoff ?? {}, { clock: ctx.clock, rng: ctx.rng.fork('backoff') });
    this.reconnector = new Reconnector(ctx.clock, this.backoff, this.events);
    this.outbox = new Outbox(ctx.clock, { ...options.outbox, idPrefix: ctx.name }, {
      write: (message) => {
        const written = this.state === 'open' && this.transport !== undefined && this.transport.send({ t: 'msg', id: message.id, body: message.body });
        if (written) this.heartbeat.noteSent();
        return written;
      },
      onAcked: (id) => this.events.emit({ type: 'message.acked', id }),
      onFailed: (id, reason) => this.events.emit({ type: 'message.failed', id, reason }),
    });
  }

  connect(): void {
    this.stopped = false;
    if (this.transport || this.reconnector.pending) return;
    this.open();
  }

  send(body: unknown): string {
    const id = this.outbox.send(body);
    this.events.emit({ type: 'message.sent', id });
    return id;
  }

  async disconnect(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.events.emit({ type: 'disconnect.requested' });
    this.teardown((t) => t.close());
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.teardown((t) => t.destroy());
    this.outbox.dispose('client closed');
  }

  private open(): void {
    this.events.setState('connecting');
    this.events.emit({ type: 'connect.attempt', attempt: this.attempt });
    this.connectTimer = this.ctx.clock.setTimeout(() => this.lost(`connect timeout after ${this.connectTimeoutMs}ms`, true), this.connectTimeoutMs);
    this.transport = this.dial({
      open: () => {
        this.stopConnectTimer();
        this.events.setState('open');
        this.events.emit({ type: 'connected', attempt: this.attempt });
        this.backoff.connectionOpened();
        this.heartbeat.start();
        this.outbox.opened();
      },
      activity: () => this.heartbeat.noteReceived(),
      message: (message) => {
        if (message.t === 'ack') this.outbox.ack(message.id);
      },
      pong: () => {
        const rttMs = this.heartbeat.noteReply();
        if (rttMs !== undefined) this.events.emit({ type: 'heartbeat.reply', rttMs });
      },
      closed: (reason) => this.lost(reason, false),
    });
  }

  /** The connection is gone: by our own verdict (`declared`) or because the transport said so. */
  private lost(reason: string, declared: boolean): void {
    if (!this.transport) return;
    if (declared) this.transport.destroy();
    this.transport = undefined;
    this.stopConnectTimer();
    this.heartbeat.stop();
    this.outbox.closed();
    this.events.emit({ type: 'link.dead', reason });
    if (this.stopped) return this.events.setState('closed');
    const retrying = this.reconnector.schedule((attempt) => {
      this.attempt = attempt;
      this.open();
    });
    if (!retrying) this.outbox.dispose('gave up reconnecting');
  }

  /**
   * The handle goes with the timer: a fake-timers handle holds five closures, and a fleet of
   * 100,000 connected members would keep one each for nothing.
   */
  private stopConnectTimer(): void {
    this.ctx.clock.clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
  }

  private teardown(end: (t: Transport) => void): void {
    this.reconnector.cancel();
    this.stopConnectTimer();
    this.heartbeat.stop();
    const transport = this.transport;
    this.transport = undefined;
    if (transport) {
      this.events.setState('closing');
      end(transport);
    }
    this.outbox.closed();
    this.events.setState('closed');
  }
}
