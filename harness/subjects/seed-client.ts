import type { TimerHandle } from '../clock/clock.ts';
import type { ClientAdapter, ClientContext } from '../clients/adapter.ts';
import { TracedClient } from '../clients/traced-client.ts';
import { Backoff, type BackoffOptions } from '../policy/backoff.ts';
import { Reconnector } from '../clients/reconnector.ts';
import type { WireMessage } from '../protocol/messages.ts';
import { formatMs } from '../util/duration.ts';
import { WrittenMessages } from './written-messages.ts';

/** What one connection of a seed client tells the client. */
export interface SeedLinkEvents {
  open(): void;
  /** The socket says the connection is gone (or never came up). Called at most once. */
  closed(reason: string): void;
}

/** One connection attempt, with the socket calls the article's code makes. */
export interface SeedLink {
  /** Writes one message; `done` runs when the write completed or failed. */
  write(message: WireMessage, done: (error?: Error | null) => void): void;
  /** Writes one heartbeat; nothing waits for a reply. */
  heartbeat(): void;
  /** The user's disconnect. */
  close(): void;
  /** Drops the connection at once. */
  destroy(): void;
}

export type SeedDial = (events: SeedLinkEvents) => SeedLink;

/** How the seed clients differ; everything else is shared. */
export interface SeedPolicy {
  /** A write-only heartbeat: the first `firstMs` after open, then every `everyMs`. None: no heartbeat. */
  heartbeat?: { firstMs: number; everyMs: number };
  /** Reconnects after a disconnect the user did not ask for, on this schedule. None: never reconnects. */
  backoff?: BackoffOptions;
  /** An attempt not open within this long fails. None: it waits as long as the socket does. */
  connectTimeoutMs?: number;
  /** Sends made while connecting are held and retried. None: a send finding no open connection is dropped. */
  holdWhileConnecting?: { everyMs: number; checks: number };
}

/**
 * The clients of the seed articles, written as they are written there: no reply is ever awaited,
 * so nothing but the socket's own close can tell them the link is gone. The policy says what
 * each article adds on top (a write-only heartbeat, a reconnect schedule, a send queue); their
 * defects are what the gallery shows, not bugs to fix here.
 */
export class SeedClient extends TracedClient implements ClientAdapter {
  private readonly messages: WrittenMessages;
  private readonly backoff: Backoff | undefined;
  private link: SeedLink | undefined;
  /** Sends held while connecting (004), by their retry timer. */
  private readonly held = new Map<TimerHandle, string>();
  private connectTimer: TimerHandle | undefined;
  private heartbeatTimer: TimerHandle | undefined;
  private readonly reconnector: Reconnector | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(
    ctx: ClientContext,
    private readonly dial: SeedDial,
    private readonly policy: SeedPolicy,
  ) {
    super(ctx);
    this.messages = new WrittenMessages(ctx.name, this.events);
    this.backoff = policy.backoff && new Backoff(policy.backoff, { clock: ctx.clock, rng: ctx.rng.fork('backoff') });
    this.reconnector = this.backoff && new Reconnector(ctx.clock, this.backoff, this.events);
  }

  /** The user connects: the reconnect schedule starts over (002: connect sets reConnectTime = 0). */
  connect(): void {
    this.stopped = false;
    if (this.link || this.reconnector?.pending) return;
    this.backoff?.reset();
    this.attempt = 0;
    this.open();
  }

  send(body: unknown): string {
    const id = this.messages.sent();
    if (this.state === 'open') this.write(id, body);
    else if (this.state === 'connecting' && this.policy.holdWhileConnecting) this.hold(id, body, 0);
    else this.messages.failed(id, `dropped: no open connection (${this.state})`);
    return id;
  }

  async disconnect(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.events.emit({ type: 'disconnect.requested' });
    this.stop((link) => link.close(), 'dropped: the user disconnected');
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.stop((link) => link.destroy(), 'dropped: client closed');
  }

  private open(): void {
    this.events.setState('connecting');
    this.events.emit({ type: 'connect.attempt', attempt: this.attempt });
    const timeout = this.policy.connectTimeoutMs;
    if (timeout !== undefined) {
      this.connectTimer = this.ctx.clock.setTimeout(() => {
        this.link?.destroy();
        this.lost(`connect timeout after ${formatMs(timeout)}`);
      }, timeout);
    }
    this.link = this.dial({
      open: () => this.opened(),
      closed: (reason) => this.lost(reason),
    });
  }

  private opened(): void {
    this.ctx.clock.clearTimeout(this.connectTimer);
    this.events.setState('open');
    this.events.emit({ type: 'connected', attempt: this.attempt });
    this.backoff?.connectionOpened();
    const heartbeat = this.policy.heartbeat;
    if (heartbeat) this.beatIn(heartbeat.firstMs);
  }

  private beatIn(ms: number): void {
    const beat = () => {
      this.link?.heartbeat();
      this.events.emit({ type: 'heartbeat.sent' });
      this.beatIn(this.policy.heartbeat!.everyMs);
    };
    if (ms === 0) return beat();
    this.heartbeatTimer = this.ctx.clock.setTimeout(beat, ms);
  }

  /** The socket reported the loss: the only way these clients ever learn of one. */
  private lost(reason: string): void {
    if (!this.link) return;
    this.link = undefined;
    this.ctx.clock.clearTimeout(this.connectTimer);
    this.ctx.clock.clearTimeout(this.heartbeatTimer);
    this.events.emit({ type: 'link.dead', reason });
    if (this.stopped || !this.reconnector) return this.events.setState('closed');
    this.reconnector.schedule((attempt) => {
      this.attempt = attempt;
      this.open();
    });
  }

  private write(id: string, body: unknown): void {
    this.link!.write({ t: 'msg', id, body }, (error) => this.messages.written(id, error));
  }

  /** 004: while connecting, look again every `everyMs`; after `checks` looks the send is lost. */
  private hold(id: string, body: unknown, checks: number): void {
    const { everyMs, checks: limit } = this.policy.holdWhileConnecting!;
    const timer = this.ctx.clock.setTimeout(() => {
      this.held.delete(timer);
      if (this.state === 'open') this.write(id, body);
      else if (checks + 1 >= limit) this.messages.failed(id, `lost: still not open after ${limit} checks ${formatMs(everyMs)} apart`);
      else this.hold(id, body, checks + 1);
    }, everyMs);
    this.held.set(timer, id);
  }

  private stop(end: (link: SeedLink) => void, reason: string): void {
    for (const timer of [this.connectTimer, this.heartbeatTimer, ...this.held.keys()]) this.ctx.clock.clearTimeout(timer);
    this.reconnector?.cancel();
    for (const id of this.held.values()) this.messages.failed(id, reason);
    this.held.clear();
    const link = this.link;
    this.link = undefined;
    if (link) {
      this.events.setState('closing');
      end(link);
    }
    this.events.setState('closed');
  }
}
