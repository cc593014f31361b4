import type { Deduper } from '../policy/dedupe.ts';
import type { WireMessage } from '../protocol/messages.ts';
import type { ServerContext, StopMode } from './server.ts';

export interface ServerOptions {
  /** Drop messages whose id was already delivered from the same client (exactly-once). Default false. */
  dedupe?: boolean;
}

/** One client connection as the application layer of a reference server sees it. */
export interface ServerConnection {
  readonly closed: boolean;
  /** Handles one decoded message; returns the reply to send, if any. A bad message closes the connection. */
  receive(decode: () => WireMessage): WireMessage | undefined;
  close(reason: string): void;
}

/**
 * The application half the TCP and WebSocket reference servers share: hello, message delivery
 * (with optional dedupe), acks, and the server's trace events.
 */
export class MessageSink {
  private readonly source: string;

  constructor(
    private readonly ctx: ServerContext,
    private readonly deduper: Deduper | undefined,
  ) {
    this.source = `server:${ctx.name}`;
  }

  /** No port in the event: ephemeral ports would make two runs of one seed differ. */
  started(): void {
    this.ctx.trace(this.source, 'server.started');
  }

  stopped(mode: StopMode): void {
    this.ctx.trace(this.source, 'server.stopped', { mode });
  }

  accepted(): ServerConnection {
    const { trace } = this.ctx;
    const source = this.source;
    const deduper = this.deduper;
    let client: string | undefined;
    let closed = false;
    trace(source, 'server.accepted');
    const conn: ServerConnection = {
      get closed() {
        return closed;
      },
      receive(decode) {
        let message: WireMessage;
        try {
          message = decode();
        } catch (err) {
          conn.close((err as Error).message);
          return undefined;
        }
        if (message.t === 'hello') {
          client = message.client;
          return { t: 'welcome' };
        }
        if (message.t !== 'msg') return undefined;
        const sender = client ?? 'anonymous';
        if (!deduper || deduper.firstTime(sender, message.id)) trace(source, 'message.delivered', { id: message.id, client: sender });
        return { t: 'ack', id: message.id };
      },
      close(reason) {
        if (closed) return;
        closed = true;
        trace(source, 'server.closed', { client, reason });
      },
    };
    return conn;
  }
}
