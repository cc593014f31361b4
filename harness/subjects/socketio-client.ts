import { Manager, type Socket } from 'socket.io-client';
import type { ClientAdapter, ClientContext } from '../clients/adapter.ts';
import { TracedClient } from '../clients/traced-client.ts';
import type { SocketIoMessage } from '../servers/socketio-server.ts';
import { withSeededMathRandom, type Rng } from '../util/rng.ts';

/** socket.io-client's backoff (contrib/backo2): `attempts` counts draws since the last reset. */
interface Backo {
  attempts: number;
  ms: number;
  max: number;
  factor: number;
  jitter: number;
  duration(): number;
}

/** The Manager's private backoff, read for its defaults and wrapped for its random draw. */
export function backoffOf(manager: Manager): Backo {
  return (manager as unknown as { backoff: Backo }).backoff;
}

/**
 * Makes socket.io-client's jitter deterministic without touching its formula: backo2's duration()
 * calls Math.random once per retry, so each call runs with Math.random drawing from `rng`.
 * `drawn` hears each retry's number and delay.
 */
function seedBackoff(manager: Manager, rng: Rng, drawn: (attempt: number, delayMs: number) => void): void {
  const backoff = backoffOf(manager);
  const duration = backoff.duration.bind(backoff);
  backoff.duration = () => {
    const delayMs = withSeededMathRandom(rng, duration);
    drawn(backoff.attempts, delayMs);
    return delayMs;
  };
}

/**
 * The off-the-shelf subject `socketio`: socket.io-client v4 with every option at its default
 * (reconnection 1 s x2, ±50 % jitter, capped at 5 s, never giving up; 20 s connect timeout; the
 * server's pings, 25 s apart, expected within pingInterval + pingTimeout = 45 s). Messages are
 * emits with an ack callback, so message.acked is the server's own acknowledgement. Emits made
 * while disconnected are buffered by socket.io-client and sent on reconnect; nothing is resent.
 */
export class SocketIoClient extends TracedClient implements ClientAdapter {
  private manager: Manager | undefined;
  private socket: Socket | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(
    ctx: ClientContext,
    private readonly url: string,
    /** socket.io-client's own Manager options (socketio.ts). */
    private readonly options: object = {},
  ) {
    super(ctx);
  }

  connect(): void {
    if (this.socket?.active) return;
    this.stopped = false;
    this.attempting(0);
    if (this.socket) {
      this.socket.connect();
      return;
    }
    // Created here, not before: autoConnect (a default) opens the connection at construction.
    const manager = new Manager(this.url, this.options);
    seedBackoff(manager, this.ctx.rng.fork('socket.io backoff'), (attempt, delayMs) =>
      // The Manager schedules a retry before it reports the failure that caused it: trace the failure first.
      queueMicrotask(() => this.events.emit({ type: 'reconnect.scheduled', attempt, delayMs })),
    );
    manager.on('reconnect_attempt', (attempt) => this.attempting(attempt));
    manager.on('error', (err) => {
      // an open connection's errors end in a 'disconnect'; this one is an attempt that failed
      if (this.state !== 'open') this.lost(`connect failed: ${err.message}`);
    });
    // engine.io-client answers each server ping with a pong at once: the client's half of the heartbeat
    manager.on('ping', () => this.events.emit({ type: 'heartbeat.sent' }));
    const socket = manager.socket('/', { auth: { client: this.ctx.name } });
    socket.on('connect', () => {
      this.events.setState('open');
      this.events.emit({ type: 'connected', attempt: this.attempt });
    });
    socket.on('disconnect', (reason) => this.lost(reason));
    this.manager = manager;
    this.socket = socket;
  }

  send(body: unknown): string {
    const id = this.sentMessage();
    const message: SocketIoMessage = { id, body };
    if (this.socket) this.socket.emit('msg', message, () => this.events.emit({ type: 'message.acked', id }));
    else this.events.emit({ type: 'message.failed', id, reason: 'dropped: connect() was never called' });
    return id;
  }

  async disconnect(): Promise<void> {
    if (!this.socket || this.stopped) return;
    this.stopped = true;
    this.events.emit({ type: 'disconnect.requested' });
    this.events.setState('closing');
    this.socket.disconnect();
    this.events.setState('closed');
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.socket?.disconnect();
    this.manager?.engine?.close();
    this.events.setState('closed');
  }

  private attempting(attempt: number): void {
    this.attempt = attempt;
    this.events.setState('connecting');
    this.events.emit({ type: 'connect.attempt', attempt });
  }

  private lost(reason: string): void {
    if (this.stopped) return;
    this.events.emit({ type: 'link.dead', reason });
    this.events.setState(this.socket?.active ? 'waiting' : 'closed');
  }
}
