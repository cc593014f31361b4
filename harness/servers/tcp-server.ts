import type net from 'node:net';
import { Heartbeat, type HeartbeatOptions } from '../policy/heartbeat.ts';
import { Deduper } from '../policy/dedupe.ts';
import { encodeData, encodePing, encodePong, FrameDecoder } from '../protocol/framing.ts';
import { decodeMessage, encodeMessage } from '../protocol/messages.ts';
import { Listener } from './listener.ts';
import { MessageSink, type ServerOptions } from './message-sink.ts';
import type { ReferenceServer, ServerContext, StopMode } from './server.ts';

export interface TcpServerOptions extends ServerOptions {
  /** Server-side ping: the server pings quiet clients and drops those that do not answer. Off by default. */
  ping?: HeartbeatOptions;
  port?: number;
}

/**
 * The reference TCP server: length-prefixed JSON frames, answers PING with PONG, acks every
 * message, dedupes by id when asked (exactly-once), and optionally pings silent clients itself.
 */
export class TcpServer implements ReferenceServer {
  readonly protocol = 'tcp' as const;
  private readonly listener: Listener;
  private readonly sink: MessageSink;

  constructor(
    private readonly ctx: ServerContext,
    private readonly options: TcpServerOptions = {},
  ) {
    this.sink = new MessageSink(ctx, options.dedupe ? new Deduper() : undefined);
    this.listener = new Listener(ctx.name, (socket) => this.serve(socket), ctx.host ?? '127.0.0.1', options.port ?? 0);
  }

  get name(): string {
    return this.ctx.name;
  }

  get port(): number {
    return this.listener.port;
  }

  get url(): string {
    return `tcp://${this.ctx.host ?? '127.0.0.1'}:${this.port}`;
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
    await this.listener.stop(mode);
    this.sink.stopped(mode);
  }

  close(): Promise<void> {
    return this.stop('graceful');
  }

  private serve(socket: net.Socket): void {
    socket.setNoDelay(true);
    const decoder = new FrameDecoder();
    const conn = this.sink.accepted();
    const ping = this.options.ping
      ? new Heartbeat(this.ctx.clock, this.options.ping, {
          send: () => socket.write(encodePing()),
          dead: (reason) => {
            conn.close(`server ping: ${reason}`);
            socket.destroy();
          },
        })
      : undefined;
    ping?.start();
    socket.on('data', (chunk: Buffer) => {
      let frames;
      try {
        frames = decoder.push(chunk);
      } catch (err) {
        conn.close((err as Error).message);
        socket.destroy();
        return;
      }
      ping?.noteReceived();
      for (const frame of frames) {
        if (frame.kind === 'ping') socket.write(encodePong());
        else if (frame.kind === 'pong') ping?.noteReply();
        else {
          const reply = conn.receive(() => decodeMessage(frame.payload.toString()));
          if (reply) socket.write(encodeData(encodeMessage(reply)));
          if (conn.closed) socket.destroy();
        }
      }
    });
    socket.on('close', () => {
      ping?.stop();
      conn.close('connection closed');
    });
  }
}
