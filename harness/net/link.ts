import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '../clock/clock.ts';
import type { TraceSink } from '../trace/trace.ts';
import type { Rng } from '../util/rng.ts';
import { Pipeline } from './pipeline.ts';
import type { Chunk, EndKind, LinkControl, StageOutput, Stream, ToxicSpec, ToxicStage, ToxicType } from './toxic.ts';
import { STREAMS } from './toxic.ts';

/** A toxic as the proxy keeps it: the API spec, its type and its checked attributes. */
export interface ToxicEntry {
  spec: ToxicSpec;
  type: ToxicType<any, any>;
  attributes: Record<string, number | string>;
}

/**
 * Bytes one direction may hold in its toxics and in the far socket's write buffer before the link
 * stops reading from the near socket. Like the TCP window it stands for, it caps what a latency
 * toxic can carry: 1 MiB per 100 ms of latency is 10 MB/s.
 */
export const LINK_BUFFER_BYTES = 1024 * 1024;

/**
 * How long a close waits for the far socket to take the bytes still queued for it before the
 * socket is destroyed: a reader that stopped reading must not keep a connection (or the proxy
 * that owns it, or the process) alive. Toxiproxy's conn.Close() does not wait at all.
 */
export const CLOSE_DEADLINE_MS = 500;

export interface LinkOptions {
  clock: Clock;
  /** The link's own random stream; each toxic forks its own from it. */
  rng: Rng;
  trace: TraceSink;
  onClosed?: (link: Link) => void;
  /** Per direction, default LINK_BUFFER_BYTES. */
  bufferBytes?: number;
  /** Default CLOSE_DEADLINE_MS, on the link's clock. */
  closeDeadlineMs?: number;
  /** Called on every chunk read from either end (a process of its own keeps its loop awake on it: BusyPoll). */
  onActivity?: () => void;
}

type End = 'client' | 'server';

/** One direction of a link: where it reads, its toxics, where it writes. */
interface Direction {
  readonly source: Duplex;
  readonly dest: Duplex;
  readonly pipeline: Pipeline;
  paused: boolean;
  /** The source has ended (end, error or close); the pipeline was told once. */
  ended: boolean;
  /** The most bytes this direction has held at once (see LINK_BUFFER_BYTES). */
  peak: number;
}

/**
 * One proxied connection: the accepted client end, the dialed server end, and a pipeline of toxic
 * stages per direction. The ends are any Duplex: real sockets in harness mode, in-memory pipes in
 * simulator mode. Like Toxiproxy there is no half-close: an end that closes closes both, unless a
 * toxic (half_open, nat_idle) keeps the news from the other end; an end that is reset closes the
 * other one normally, as Toxiproxy's io.Copy returning an error does.
 *
 * Backpressure: a direction stops reading its source while it holds more than its buffer (bytes
 * waiting in toxics plus the far socket's write buffer) or while the far socket asks for a drain,
 * so a reader that stops, or a bandwidth toxic, slows the sender down as a real network would.
 * Memory per connection is bounded by 2 x (bufferBytes + one read + the sockets' high-water marks).
 */
export class Link implements LinkControl {
  readonly upstream: Pipeline;
  readonly downstream: Pipeline;
  private readonly open = new Set<End>(['client', 'server']);
  private readonly directions: Record<Stream, Direction>;
  private closing = false;
  /** Armed by close() when an end still has bytes to flush: destroys whatever end has not finished by then. */
  private closeDeadline: TimerHandle | undefined;
  /** Each toxic's newState() on this connection, by toxic name. */
  private readonly states = new Map<string, unknown>();
  private closedHow: EndKind | undefined;
  /** Made only when someone waits for it (most connections close with nobody waiting). */
  private closedPromise: Promise<void> | undefined;
  private resolveClosed: (() => void) | undefined;

  constructor(
    readonly id: string,
    private readonly client: Duplex,
    private readonly server: Duplex,
    private readonly options: LinkOptions,
  ) {
    this.upstream = this.pipelineTo(server, 'upstream');
    this.downstream = this.pipelineTo(client, 'downstream');
    this.directions = {
      upstream: { source: client, dest: server, pipeline: this.upstream, paused: false, ended: false, peak: 0 },
      downstream: { source: server, dest: client, pipeline: this.downstream, paused: false, ended: false, peak: 0 },
    };
  }

  /** Starts moving bytes with the toxics that exist when the connection opens. */
  start(toxics: Iterable<ToxicEntry>): void {
    for (const entry of toxics) this.addToxic(entry, true);
    this.pump('client', 'upstream');
    this.pump('server', 'downstream');
    this.trace('link.opened');
  }

  get isClosed(): boolean {
    return this.open.size === 0;
  }

  /** Resolves once both ends are closed. */
  get closed(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.closedPromise ??= new Promise((resolve) => (this.resolveClosed = resolve));
    return this.closedPromise;
  }

  /** Bytes each direction holds now: in its toxics and in the far socket's write buffer. */
  buffered(stream: Stream): number {
    const { pipeline, dest } = this.directions[stream];
    return pipeline.buffered() + (dest.destroyed ? 0 : dest.writableLength);
  }

  /** The most bytes a direction has held at once since the link opened. */
  peakBuffered(stream: Stream): number {
    return this.directions[stream].peak;
  }

  addToxic(entry: ToxicEntry, atLinkStart = false): void {
    const name = entry.spec.name;
    const outputs = { upstream: this.upstream.add(name), downstream: this.downstream.add(name) };
    this.place(entry, outputs, atLinkStart);
  }

  /** New attributes or toxicity: the old stages hand on what they hold and fresh ones take their slots. */
  updateToxic(entry: ToxicEntry): void {
    const name = entry.spec.name;
    this.upstream.detach(name, 'replaced');
    this.downstream.detach(name, 'replaced');
    const up = this.upstream.output(name);
    const down = this.downstream.output(name);
    if (up && down) this.place(entry, { upstream: up, downstream: down }, false);
    this.regulateBoth();
  }

  removeToxic(name: string): void {
    this.upstream.detach(name, 'removed');
    this.downstream.detach(name, 'removed');
    this.upstream.remove(name);
    this.downstream.remove(name);
    this.states.delete(name);
    this.regulateBoth();
  }

  /**
   * A full close, like Toxiproxy's Close(): a FIN once the queued bytes are out, then the socket
   * is gone; a socket that cannot take its queued bytes within the close deadline is destroyed.
   */
  close(): void {
    this.finish('fin');
    if (this.closing) return;
    this.closing = true;
    const clientGone = closeEnd(this.client);
    const serverGone = closeEnd(this.server);
    if (clientGone && serverGone) return;
    // one deadline for the ends still flushing: they started closing together
    this.closeDeadline = this.options.clock.setTimeout(() => {
      this.client.destroy();
      this.server.destroy();
    }, this.options.closeDeadlineMs ?? CLOSE_DEADLINE_MS);
  }

  reset(): void {
    this.finish('reset');
    resetDuplex(this.client);
    resetDuplex(this.server);
  }

  resetEnd(end: End): void {
    this.finish('reset');
    resetDuplex(end === 'client' ? this.client : this.server);
  }

  trace(type: string, detail?: Record<string, unknown>): void {
    this.options.trace(`link:${this.id}`, type, { link: this.id, ...detail });
  }

  private place(entry: ToxicEntry, outputs: Record<Stream, StageOutput>, atLinkStart: boolean): void {
    const name = entry.spec.name;
    const rng = this.options.rng.fork(`toxic:${name}`);
    // Toxiproxy rolls toxicity once per connection when the toxic starts on it.
    if (rng.next() >= entry.spec.toxicity) return;
    if (!this.states.has(name)) this.states.set(name, entry.type.newState?.({ now: this.options.clock.now(), atLinkStart }));
    const stages: Partial<Record<Stream, ToxicStage>> = entry.type.attach({
      state: this.states.get(name),
      clock: this.options.clock,
      rng,
      link: this,
      attributes: entry.attributes,
      stream: entry.spec.stream,
      outputs,
      atLinkStart,
    });
    for (const stream of STREAMS) {
      const stage = stages[stream];
      if (stage) (stream === 'upstream' ? this.upstream : this.downstream).set(name, stage);
    }
  }

  private pump(end: End, stream: Stream): void {
    const { source, dest, pipeline } = this.directions[stream];
    const { clock, onActivity } = this.options;
    source.on('data', (data: Buffer) => {
      onActivity?.();
      pipeline.write({ data, at: clock.now() });
      this.regulate(stream);
    });
    source.on('end', () => this.sourceEnded(stream));
    source.on('error', (err: NodeJS.ErrnoException) => {
      // A reset end: the other end is closed normally, as Toxiproxy does (its read returns an error).
      if (err.code === 'ECONNRESET') this.finish('reset');
      this.sourceEnded(stream);
    });
    source.on('close', () => {
      this.sourceEnded(stream);
      this.open.delete(end);
      if (this.open.size === 0) this.closedFully();
    });
    dest.on('drain', () => this.regulate(stream));
  }

  /** A source's end, error or close ends its direction, once. */
  private sourceEnded(stream: Stream): void {
    const direction = this.directions[stream];
    if (direction.ended) return;
    direction.ended = true;
    direction.pipeline.end('fin');
  }

  /** Pauses a direction's source while the direction holds too much, resumes it when it can take more. */
  private regulate(stream: Stream): void {
    const direction = this.directions[stream];
    const { source, dest } = direction;
    const held = this.buffered(stream);
    if (held > direction.peak) direction.peak = held;
    const full = held > (this.options.bufferBytes ?? LINK_BUFFER_BYTES) || (!dest.destroyed && dest.writableNeedDrain);
    if (full && !direction.paused) {
      direction.paused = true;
      source.pause();
    } else if (!full && direction.paused) {
      direction.paused = false;
      source.resume();
    }
  }

  private regulateBoth(): void {
    for (const stream of STREAMS) this.regulate(stream);
  }

  /** A direction's toxics, ending in a sink that writes to `dest`; the direction's end closes the connection. */
  private pipelineTo(dest: Duplex, stream: Stream): Pipeline {
    return new Pipeline(new SocketSink(dest, this, () => this.regulate(stream)), () => this.regulate(stream));
  }

  private finish(how: EndKind): void {
    this.closedHow ??= how;
  }

  private closedFully(): void {
    if (this.closeDeadline) this.options.clock.clearTimeout(this.closeDeadline);
    this.upstream.dispose();
    this.downstream.dispose();
    this.trace('link.closed', { how: this.closedHow ?? 'fin' });
    this.options.onClosed?.(this);
    this.resolveClosed?.();
  }
}

/**
 * The end of a pipeline: writes to the far socket, and the direction's end closes or resets the
 * connection. A class rather than an object of closures: every connection makes two.
 */
class SocketSink implements StageOutput {
  constructor(
    private readonly dest: Duplex,
    private readonly link: LinkControl,
    private readonly moved: () => void,
  ) {}

  data(chunk: Chunk): void {
    if (!this.dest.destroyed && this.dest.writable) this.dest.write(chunk.data);
    this.moved();
  }

  end(kind: EndKind): void {
    if (kind === 'reset') this.link.reset();
    else this.link.close();
  }
}

/**
 * Closes one end; true if it is gone at once. A socket holding no bytes in node is closed now, as
 * Toxiproxy's conn.Close() does: the kernel sends what it holds, then the FIN. A socket with bytes
 * queued in node, or still connecting, ends (its FIN follows them) and is destroyed on 'finish' or
 * at the link's close deadline; so is any other Duplex (an in-memory pipe's destroy() is an RST).
 */
function closeEnd(end: Duplex): boolean {
  if (end.destroyed) return true;
  if (end instanceof net.Socket && !end.connecting && end.writableLength === 0) {
    end.destroy();
    return true;
  }
  end.once('finish', () => end.destroy());
  end.end();
  return false;
}

/** An RST where the Duplex is a socket; a plain destroy for in-memory pipes. */
function resetDuplex(end: Duplex): void {
  if (end.destroyed) return;
  const socket = end as Duplex & { resetAndDestroy?: () => void };
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else end.destroy();
}
