import WebSocket from 'ws';
import type { ClientAdapter, ClientContext } from '../clients/adapter.ts';
import { TracedClient } from '../clients/traced-client.ts';
import { decodeMessage, encodeMessage } from '../protocol/messages.ts';
import { ReconnectingWebSocket, type RwsInternals } from './rws-library.ts';
import { WrittenMessages } from './written-messages.ts';

/**
 * The off-the-shelf subject `rws`: ws wrapped by reconnecting-websocket 4.4.0 with every option at
 * its default. The adapter only watches:
 * - attempts: the WebSocket class handed to rws reports each construction;
 * - writes: that class reports each completed send, the only thing an rws application can know
 *   (rws has no acks; see WrittenMessages), whether sent at once or from rws's queue on reopen;
 * - open and close: rws's own events;
 * - the retry delay: rws's private _getNextDelay (its own formula) and retry counter.
 */
export class RwsClient extends TracedClient implements ClientAdapter {
  private readonly messages: WrittenMessages;
  private rws: ReconnectingWebSocket | undefined;
  private socket: WebSocket | undefined;
  private lastError: Error | undefined;
  private attempt = 0;
  private stopped = false;

  constructor(
    ctx: ClientContext,
    private readonly url: string,
    /** rws's own options (rws.ts); the WebSocket class is the adapter's. */
    private readonly options: object = {},
  ) {
    super(ctx);
    this.messages = new WrittenMessages(ctx.name, this.events);
  }

  connect(): void {
    if (this.rws && !this.stopped) return;
    this.stopped = false;
    this.events.setState('connecting');
    if (this.rws) return this.rws.reconnect();
    this.rws = new ReconnectingWebSocket(this.url, undefined, { ...this.options, WebSocket: this.observedWebSocket() });
    this.announceRetries(this.rws as unknown as RwsInternals);
    this.rws.addEventListener('open', () => {
      this.events.setState('open');
      this.events.emit({ type: 'connected', attempt: this.attempt });
    });
    this.rws.addEventListener('close', (event) => this.closed(event.code, event.reason));
  }

  /** rws.send: written now when open, else queued by rws and written on reopen. */
  send(body: unknown): string {
    const id = this.messages.sent();
    if (this.rws) this.rws.send(encodeMessage({ t: 'msg', id, body }));
    else this.messages.failed(id, 'dropped: connect() was never called');
    return id;
  }

  async disconnect(): Promise<void> {
    if (!this.rws || this.stopped) return;
    this.stopped = true;
    this.events.emit({ type: 'disconnect.requested' });
    this.events.setState('closing');
    this.rws.close(1000, 'client disconnect');
    this.events.setState('closed');
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.rws?.close();
    this.socket?.terminate();
    this.events.setState('closed');
  }

  /** A ws WebSocket class that tells the adapter about every instance rws creates and every write it completes. */
  private observedWebSocket(): new (address: string, protocols?: string | string[]) => WebSocket {
    const adapter = this;
    return class ObservedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols);
        adapter.attempting(this);
      }
    };
  }

  private attempting(socket: WebSocket): void {
    this.socket = socket;
    this.lastError = undefined;
    // Also keeps a late 'error' handled: rws detaches its listeners before closing a socket it gave up on.
    socket.on('error', (err) => (this.lastError = err));
    const send = socket.send.bind(socket);
    socket.send = ((data: string) => send(data, (error) => this.written(data, error))) as WebSocket['send'];
    this.attempt = (this.rws as unknown as RwsInternals)._retryCount;
    this.events.setState('connecting');
    this.events.emit({ type: 'connect.attempt', attempt: this.attempt });
  }

  /** Everything rws writes is one of our messages, sent now or flushed from its queue on open. */
  private written(data: string, error?: Error): void {
    const message = decodeMessage(data);
    if (message.t === 'msg') this.messages.written(message.id, error);
  }

  private closed(code: number, reason: string): void {
    if (this.stopped) return;
    const cause = this.lastError ? `: ${this.lastError.message}` : '';
    this.events.emit({ type: 'link.dead', reason: `closed ${code}${reason ? ` ${reason}` : ''}${cause}` });
    this.events.setState('waiting');
  }

  /**
   * rws asks _getNextDelay once per connect; a retry (counter above 0) is announced with the delay
   * its own formula returned, as the timer will wait it (whole ms). rws schedules the retry before it
   * dispatches the close that caused it, so the announcement waits for the close to be traced.
   */
  private announceRetries(internals: RwsInternals): void {
    const formula = internals._getNextDelay.bind(internals);
    internals._getNextDelay = () => {
      const delay = formula();
      const attempt = internals._retryCount;
      if (attempt > 0) queueMicrotask(() => this.events.emit({ type: 'reconnect.scheduled', attempt, delayMs: Math.trunc(delay) }));
      return delay;
    };
  }
}
