import net from 'node:net';
import type { Clock } from '../clock/clock.ts';
import { LISTEN_BACKLOG } from '../net/backlog.ts';
import { FlatlineError } from '../util/errors.ts';
import type { StopMode } from './server.ts';

/**
 * A TCP listener that can go down and come back on the same port, and closes its connections the
 * way the stop mode says. The reference servers build on it.
 */
export class Listener {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private boundPort: number;

  constructor(
    private readonly serverName: string,
    private readonly onSocket: (socket: net.Socket) => void,
    private readonly host = '127.0.0.1',
    port = 0,
    private readonly backlog = LISTEN_BACKLOG,
  ) {
    this.boundPort = port;
  }

  get port(): number {
    return this.boundPort;
  }

  get running(): boolean {
    return this.server !== undefined;
  }

  get connections(): number {
    return this.sockets.size;
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {}); // the protocol layer reports closes; errors must not crash the run
      this.onSocket(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new FlatlineError('FLATLINE_ERR_SERVER', `server "${this.serverName}" cannot listen on ${this.host}:${this.boundPort}: ${err.code === 'EADDRINUSE' ? 'address already in use' : err.message}`, { cause: err })),
      );
      server.listen({ port: this.boundPort, host: this.host, backlog: this.backlog }, () => resolve());
    });
    this.boundPort = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /**
   * Says goodbye to the connections open now, one after another evenly over `overMs` (the first at
   * once), and goes on listening: a drain before a deploy. Returns how many it will close.
   */
  drain(clock: Clock, overMs: number, goodbye: (socket: net.Socket) => void): number {
    const open = [...this.sockets];
    open.forEach((socket, i) => {
      const at = Math.floor((overMs * i) / open.length);
      const close = () => {
        if (!socket.destroyed) goodbye(socket);
      };
      if (at === 0) close();
      else clock.setTimeout(close, at);
    });
    return open.length;
  }

  /** Stops listening; `beforeClose` lets the protocol say goodbye on a graceful stop. */
  async stop(mode: StopMode, goodbye?: (socket: net.Socket) => void): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) {
      if (mode === 'reset') socket.resetAndDestroy();
      else if (mode === 'crash') socket.destroy();
      else if (goodbye) goodbye(socket);
      else socket.end();
    }
    await closed;
  }
}
