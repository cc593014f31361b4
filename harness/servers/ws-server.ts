import http from 'node:http';
import type net from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Heartbeat, type HeartbeatOptions } from '../policy/heartbeat.ts';
import { decodeMessage, encodeMessage } from '../protocol/messages.ts';
import { ListeningServer, type ListeningServerOptions } from './listening-server.ts';
import type { ServerContext } from './server.ts';

export interface WsServerOptions extends ListeningServerOptions {
  /** Server-side ping (ws ping frames); a client that answers nothing is terminated. Off by default. */
  ping?: HeartbeatOptions;
}

/**
 * The reference WebSocket server on `ws`: JSON messages acked by id, ws ping/pong control frames
 * (ws answers pings itself), optional server-side ping in the manner of ws's README.
 */
export class WsServer extends ListeningServer {
  readonly protocol = 'ws' as const;
  private readonly http = http.createServer((_req, res) => res.writeHead(426).end('WebSocket only'));
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Map<net.Socket, WebSocket>();

  constructor(
    ctx: ServerContext,
    private readonly options: WsServerOptions = {},
  ) {
    super(ctx, options);
    this.http.on('upgrade', (req, socket, head) => {
      this.wss.handleUpgrade(req, socket, head, (ws) => this.serveWebSocket(ws, socket as net.Socket));
    });
  }

  protected serve(socket: net.Socket): void {
    this.http.emit('connection', socket);
  }

  protected override goodbye(socket: net.Socket): void {
    const ws = this.sockets.get(socket);
    if (ws) ws.close(1001, 'server going away');
    else socket.end();
  }

  private serveWebSocket(ws: WebSocket, socket: net.Socket): void {
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
