// An adapter for a client of your own, written by `npx flatline init`. Here the client is a small
// one over a raw TCP socket, speaking the protocol of flatline's reference TCP server (see the
// README: "The reference servers' protocol"); put yours in its place and report what it does.
import net from 'node:net';
import { ClientEvents, positiveDuration, registerSubject, strict, TcpServer, toMs, v, type ClientAdapter, type ClientContext, type HostPort } from 'flatline/adapter';

/** The options a scenario may give this subject; a misspelt one is refused with the closest name. */
const exampleOptions = strict(
  {
    /** A PING after this long (default 1m). */
    heartbeat: v.optional(positiveDuration),
    /** No PONG this long after a PING: the link is dead (default 10s). */
    replyTimeout: v.optional(positiveDuration),
    /** Wait before each reconnect (default 5s). */
    retryDelay: v.optional(positiveDuration),
  },
  'the example client options',
);
export type ExampleOptions = v.InferInput<typeof exampleOptions>;

const PING = 0x01;
const PONG = 0x02;
const DATA = 0x03;

function dataFrame(message: object): Buffer {
  const body = Buffer.from(JSON.stringify(message));
  const frame = Buffer.alloc(5 + body.length);
  frame[0] = DATA;
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  return frame;
}

class ExampleClient implements ClientAdapter {
  private readonly events: ClientEvents;
  private socket: net.Socket | undefined;
  private unread = Buffer.alloc(0);
  private heartbeat: ReturnType<typeof setInterval> | undefined;
  private replyTimer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingAt = 0;
  private attempt = 0;
  private sent = 0;
  private stopped = true;

  constructor(
    private readonly ctx: ClientContext,
    private readonly target: HostPort,
    private readonly o: { heartbeatMs: number; replyTimeoutMs: number; retryDelayMs: number },
  ) {
    this.events = new ClientEvents(ctx);
  }

  get name(): string {
    return this.ctx.name;
  }

  get state() {
    return this.events.state;
  }

  connect(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.dial();
  }

  send(body: unknown): string {
    const id = `${this.ctx.name}-${++this.sent}`;
    this.events.emit({ type: 'message.sent', id });
    if (this.state === 'open') this.socket!.write(dataFrame({ t: 'msg', id, body }));
    else this.events.emit({ type: 'message.failed', id, reason: 'not connected' });
    return id;
  }

  async disconnect(): Promise<void> {
    this.events.emit({ type: 'disconnect.requested' });
    await this.close();
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.stopTimers();
    this.socket?.destroy();
    this.socket = undefined;
    this.events.setState('closed');
  }

  private dial(): void {
    this.events.setState('connecting');
    this.events.emit({ type: 'connect.attempt', attempt: this.attempt });
    const socket = (this.socket = net.connect(this.target));
    socket.on('connect', () => socket.write(dataFrame({ t: 'hello', client: this.ctx.name })));
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('error', () => {}); // 'close' follows
    socket.on('close', () => this.lost(socket, 'connection closed'));
  }

  /** Frames: PING or PONG (one byte), or DATA: a length (4 bytes, big-endian) and that much JSON. */
  private read(chunk: Buffer): void {
    this.unread = Buffer.concat([this.unread, chunk]);
    while (this.unread.length > 0) {
      const kind = this.unread[0];
      if (kind === PING) this.socket?.write(Buffer.from([PONG]));
      if (kind === PONG) this.ponged();
      if (kind !== DATA) {
        this.unread = this.unread.subarray(1);
        continue;
      }
      if (this.unread.length < 5 || this.unread.length < 5 + this.unread.readUInt32BE(1)) return;
      const length = this.unread.readUInt32BE(1);
      this.message(JSON.parse(this.unread.subarray(5, 5 + length).toString()) as { t: string; id?: string });
      this.unread = this.unread.subarray(5 + length);
    }
  }

  private message(m: { t: string; id?: string }): void {
    if (m.t === 'welcome') {
      this.events.setState('open');
      this.events.emit({ type: 'connected', attempt: this.attempt });
      this.attempt = 0;
      this.heartbeat = setInterval(() => this.ping(), this.o.heartbeatMs);
    }
    if (m.t === 'ack' && m.id) this.events.emit({ type: 'message.acked', id: m.id });
  }

  private ping(): void {
    this.socket?.write(Buffer.from([PING]));
    this.events.emit({ type: 'heartbeat.sent' });
    this.pingAt = Date.now();
    this.replyTimer ??= setTimeout(() => {
      this.events.emit({ type: 'link.dead', reason: `no PONG within ${this.o.replyTimeoutMs} ms` });
      this.socket?.destroy();
    }, this.o.replyTimeoutMs);
  }

  private ponged(): void {
    clearTimeout(this.replyTimer);
    this.replyTimer = undefined;
    this.events.emit({ type: 'heartbeat.reply', rttMs: Date.now() - this.pingAt });
  }

  private lost(socket: net.Socket, reason: string): void {
    if (socket !== this.socket || this.stopped) return;
    // a missing PONG has said so already
    if (this.state === 'open' && this.replyTimer === undefined) this.events.emit({ type: 'link.dead', reason });
    this.stopTimers();
    this.unread = Buffer.alloc(0);
    this.events.setState('waiting');
    this.events.emit({ type: 'reconnect.scheduled', attempt: ++this.attempt, delayMs: this.o.retryDelayMs });
    this.retryTimer = setTimeout(() => this.dial(), this.o.retryDelayMs);
  }

  private stopTimers(): void {
    clearInterval(this.heartbeat);
    clearTimeout(this.replyTimer);
    clearTimeout(this.retryTimer);
    this.heartbeat = this.replyTimer = this.retryTimer = undefined;
  }
}

registerSubject<ExampleOptions>({
  kind: 'example',
  protocol: 'tcp',
  description: 'the example client of flatline init: raw TCP, PING every minute, reconnect after 5 s',
  options: exampleOptions,
  // What it promises, which the checks hold it to by default.
  promises: (options) => ({
    detectionBoundMs: toMs(options.heartbeat ?? '1m') + toMs(options.replyTimeout ?? '10s'),
    backoff: { exact: [toMs(options.retryDelay ?? '5s')] },
    guarantee: 'at-most-once',
  }),
  createServer: (ctx, spec) => new TcpServer(ctx, spec),
  createClient: (ctx, target, options) =>
    new ExampleClient(ctx, target, {
      heartbeatMs: toMs(options.heartbeat ?? '1m'),
      replyTimeoutMs: toMs(options.replyTimeout ?? '10s'),
      retryDelayMs: toMs(options.retryDelay ?? '5s'),
    }),
});

// Tells the editor about this subject's options: `subject: { kind: 'example', options: {...} }` is typed.
declare module 'flatline/adapter' {
  interface SubjectKinds {
    example: ExampleOptions;
  }
}
