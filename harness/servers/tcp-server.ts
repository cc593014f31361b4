import type net from 'node:net';
import { Heartbeat, type HeartbeatOptions } from '../policy/heartbeat.ts';
import { encodeData, encodePing, encodePong, FrameDecoder } from '../protocol/framing.ts';
import { decodeMessage, encodeMessage } from '../protocol/messages.ts';
import { ListeningServer, type ListeningServerOptions } from './listening-server.ts';
import type { ServerContext } from './server.ts';

export interface TcpServerOptions extends ListeningServerOptions {
  /** Server-side ping: the server pings quiet clients and drops those that do not answer. Off by default. */
  ping?: HeartbeatOptions;
}

/**
 * The reference TCP server: length-prefixed JSON frames, answers PING with PONG, acks every
 * message, dedupes by id when asked (exactly-once), and optionally pings silent clients itself.
 */
export class TcpServer extends ListeningServer {
  readonly protocol = 'tcp' as const;

  constructor(
    ctx: ServerContext,
    private readonly options: TcpServerOptions = {},
  ) {
    super(ctx, options);
  }

  protected serve(socket: net.Socket): void {
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
