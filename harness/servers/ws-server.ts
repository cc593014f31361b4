import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Heartbeat, type HeartbeatOptions } from '../policy/heartbeat.ts';
import { Deduper } from '../policy/dedupe.ts';
import { decodeMessage, encodeMessage } from '../protocol/messages.ts';
import { Listener } from './listener.ts';
import { MessageSink, type ServerOptions } from './message-sink.ts';
import type { ReferenceServer, ServerContext, StopMode } from './server.ts';

export interface WsServerOptions extends ServerOptions {
  /** Server-side ping (ws ping frames); a client that answers nothing is terminated. Off by default. */
  ping?: HeartbeatOptions;
  port?: number;
}

/**
 * The reference WebSocket server on `ws`: JSON messages acked by id, ws ping/pong control frames
 * (ws answers pings itself), optional server-side ping in the manner of ws's README.
 */
export class WsServer implements ReferenceServer {
  readonly protocol = 'ws' as const;
  private readonly listener: Listener;
  private readonly sink: MessageSink;
  private readonly http = http.createServer((_req, res) => res.writeHead(426).end('WebSocket only'));
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Map<net.Socket, WebSocket>();

  constructor(
    private readonly ctx: ServerContext,
    private readonly options: WsServerOptions = {},
  ) {
    this.sink = new MessageSink(ctx, options.dedupe ? new Deduper() : undefined);
    this.http.on('upgrade', (req, socket, head) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, socket as net.Socket));
    });
    this.listener = new Listener(ctx.name, (socket) => this.http.emit('connection', socket), ctx.host ?? '127.0.0.1', options.port ?? 0);
  }

  get name(): string {
    return this.ctx.name;
  }

  get port(): number {
    return this.listener.port;
  }

  get url(): string {
    return `ws://${this.ctx.host ?? '127.0.0.1'}:${this.port}`;
  }

  get running(): boolean {
    return this.listener.running;
  }

  async start(): Promise<void> {
    await this.listener.start();
    this.sink.started();
  }

  async stop(mode: StopMode = 'graceful'): Promise<void> {
    if (!this.running) return;
    await this.listener.stop(mode, (socket) => {
      const ws = this.sockets.get(socket);
      if (ws) ws.close(1001, 'server going away');
      else socket.end();
    });
    this.sink.stopped(mode);
  }

  close(): Promise<void> {
    return this.stop('graceful');
  }

  private serve(ws: WebSocket, socket: net.Socket): void {
    socket.setNoDelay(true);
    this.sockets.set(socket, ws);
    const conn = this.sink.accepted();
    const ping = this.options.ping
      ? new Heartbeat(this.ctx.clock, this.options.ping, {
          send: () => ws.ping(),
          dead: (reason) => {
            conn.close(`server ping: ${reason}`);
            ws.terminate();
          },
        })
      : undefined;
    ping?.start();
    ws.on('ping', () => ping?.noteReceived());
    ws.on('pong', () => ping?.noteReply());
    ws.on('message', (data) => {
      ping?.noteReceived();
      const reply = conn.receive(() => decodeMessage(String(data)));
      if (reply) ws.send(encodeMessage(reply));
      if (conn.closed) ws.terminate();
    });
    ws.on('error', () => {});
    ws.on('close', (code) => {
      ping?.stop();
      this.sockets.delete(socket);
      conn.close(`connection closed (${code})`);
    });
  }
}
