import type net from 'node:net';
import { Deduper } from '../policy/dedupe.ts';
import { Listener } from './listener.ts';
import { MessageSink, type ServerOptions } from './message-sink.ts';
import type { ReferenceServer, ServerContext, StopMode } from './server.ts';

export interface ListeningServerOptions extends ServerOptions {
  port?: number;
}

/**
 * What the TCP and WebSocket reference servers share: a restartable Listener, the MessageSink
 * that traces and acks messages, and the ReferenceServer lifecycle. Subclasses serve sockets.
 */
export abstract class ListeningServer implements ReferenceServer {
  abstract readonly protocol: ReferenceServer['protocol'];
  protected readonly listener: Listener;
  protected readonly sink: MessageSink;

  protected constructor(
    protected readonly ctx: ServerContext,
    options: ListeningServerOptions,
  ) {
    this.sink = new MessageSink(ctx, options.dedupe ? new Deduper() : undefined);
    this.listener = new Listener(ctx.name, (socket) => this.serve(socket), ctx.host ?? '127.0.0.1', options.port ?? 0);
  }

  protected abstract serve(socket: net.Socket): void;

  /** Says goodbye on a graceful stop (default: a FIN). */
  protected goodbye(socket: net.Socket): void {
    socket.end();
  }

  get name(): string {
    return this.ctx.name;
  }

  get port(): number {
    return this.listener.port;
  }

  get url(): string {
    return `${this.protocol}://${this.ctx.host ?? '127.0.0.1'}:${this.port}`;
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
    await this.listener.stop(mode, (socket) => this.goodbye(socket));
    this.sink.stopped(mode);
  }

  drain(overMs: number): void {
    const connections = this.listener.drain(this.ctx.clock, overMs, (socket) => this.goodbye(socket));
    this.ctx.trace(`server:${this.ctx.name}`, 'server.draining', { connections, overMs });
  }

  /** Releases everything now: no goodbyes, since a peer behind a blackhole would never answer one. */
  close(): Promise<void> {
    return this.stop('crash');
  }
}
