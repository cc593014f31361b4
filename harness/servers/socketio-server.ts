import http from 'node:http';
import type net from 'node:net';
import { Server, type Socket } from 'socket.io';
import type { WireMessage } from '../protocol/messages.ts';
import { FlatlineError } from '../util/errors.ts';
import { ListeningServer, type ListeningServerOptions } from './listening-server.ts';
import type { ServerConnection } from './message-sink.ts';
import type { ServerContext, StopMode } from './server.ts';

/** What the `socketio` subject emits: emit('msg', { id, body }, ack). */
export interface SocketIoMessage {
  id: string;
  body: unknown;
}

/**
 * A socket.io v4 server with every option at its default (engine.io pingInterval 25 s and
 * pingTimeout 20 s, long-polling then an upgrade to WebSocket). Messages are traced and acked
 * through the MessageSink the reference servers share (hello = the handshake's auth.client), and
 * it comes back on the same port after a stop. Each start is a fresh socket.io instance: a
 * restarted server knows none of its old clients, as a restarted process would not.
 * socket.io always pings its clients itself, so a scenario's server `ping` does not apply.
 */
export class SocketIoServer extends ListeningServer {
  readonly protocol = 'ws' as const;
  private http: http.Server | undefined;
  private io: Server | undefined;
  private readonly sessions = new Set<ServerConnection>();

  constructor(ctx: ServerContext, options: ListeningServerOptions = {}) {
    super(ctx, options);
  }

  /** socket.io clients speak HTTP first. */
  override get url(): string {
    return `http://${this.ctx.host ?? '127.0.0.1'}:${this.port}`;
  }

  protected serve(socket: net.Socket): void {
    this.http?.emit('connection', socket);
  }

  override async start(): Promise<void> {
    if (this.running) return;
    this.http = http.createServer();
    this.io = new Server(this.http);
    this.io.on('connection', (socket) => this.session(socket));
    await super.start();
  }

  /**
   * graceful: socket.io's own shutdown (each socket closed "server shutting down", engine.io closes
   * its transports, so clients see a transport close and reconnect), then FIN. crash and reset:
   * the sockets die, every session ends with the process, and the dead instance is dropped
   * without a word on the wire (its engine would otherwise notice the dead sockets later, and
   * trace closes a crashed process cannot make).
   */
  override async stop(mode: StopMode = 'graceful'): Promise<void> {
    const io = this.io;
    if (!this.running || !io) return;
    this.io = undefined;
    this.http = undefined;
    if (mode === 'graceful') await io.close();
    await super.stop(mode);
    for (const conn of this.sessions) conn.close(`server stopped (${mode})`);
    this.sessions.clear();
    if (mode !== 'graceful') await io.close();
  }

  private session(socket: Socket): void {
    const conn = this.sink.accepted();
    this.sessions.add(conn);
    const client: unknown = socket.handshake.auth.client;
    if (typeof client === 'string') conn.receive(() => ({ t: 'hello', client }));
    socket.on('msg', (payload: unknown, ack: unknown) => {
      const reply = conn.receive(() => toWire(payload));
      if (reply?.t === 'ack' && typeof ack === 'function') ack();
      if (conn.closed) socket.disconnect(true);
    });
    socket.on('disconnect', (reason) => {
      this.sessions.delete(conn);
      conn.close(reason);
    });
  }
}

function toWire(payload: unknown): WireMessage {
  const m = payload as Partial<SocketIoMessage> | null;
  if (m && typeof m === 'object' && typeof m.id === 'string') return { t: 'msg', id: m.id, body: m.body };
  throw new FlatlineError('FLATLINE_ERR_CLIENT', `protocol error: "msg" needs { id: string, body }, got ${JSON.stringify(payload)?.slice(0, 80)}`);
}
