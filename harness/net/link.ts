import type { Duplex } from 'node:stream';
import type { Clock, TimerHandle } from '../clock/clock.ts';
import type { TraceSink } from '../trace/trace.ts';
import type { Rng } from '../util/rng.ts';
import { Pipeline } from './pipeline.ts';
import type { EndKind, LinkControl, StageOutput, Stream, ToxicSpec, ToxicStage, ToxicType } from './toxic.ts';
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
}

type End = 'client' | 'server';

/** One direction of a link: where it reads, its toxics, where it writes. */
interface Direction {
  readonly source: Duplex;
  readonly dest: Duplex;
  readonly pipeline: Pipeline;
  paused: boolean;
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
  /** Resolves once both ends are closed. */
  readonly closed: Promise<void>;
  private readonly open = new Set<End>(['client', 'server']);
  private readonly directions: Record<Stream, Direction>;
  private readonly closing = new Set<Duplex>();
  /** Each toxic's newState() on this connection, by toxic name. */
  private readonly states = new Map<string, unknown>();
  private closedHow: EndKind | undefined;
  private resolveClosed!: () => void;

  constructor(
    readonly id: string,
    private readonly client: Duplex,
    private readonly server: Duplex,
    private readonly options: LinkOptions,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.upstream = new Pipeline(this.sinkTo(server, 'upstream'), () => this.regulate('upstream'));
    this.downstream = new Pipeline(this.sinkTo(client, 'downstream'), () => this.regulate('downstream'));
    this.directions = {
      upstream: { source: client, dest: server, pipeline: this.upstream, paused: false, peak: 0 },
      downstream: { source: server, dest: client, pipeline: this.downstream, paused: false, peak: 0 },
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
    this.closeEnd(this.client);
    this.closeEnd(this.server);
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
    const clock = this.options.clock;
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      pipeline.input.end('fin');
    };
    source.on('data', (data: Buffer) => {
      pipeline.input.data({ data, at: clock.now() });
      this.regulate(stream);
    });
    source.on('end', finish);
    source.on('error', (err: NodeJS.ErrnoException) => {
      // A reset end: the other end is closed normally, as Toxiproxy does (its read returns an error).
      if (err.code === 'ECONNRESET') this.finish('reset');
      finish();
    });
    source.on('close', () => {
      finish();
      this.open.delete(end);
      if (this.open.size === 0) this.closedFully();
    });
    dest.on('drain', () => this.regulate(stream));
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

  /** The end of a pipeline: write to the socket, or close the connection when the direction ends. */
  private sinkTo(dest: Duplex, stream: Stream): StageOutput {
    return {
      data: (chunk) => {
        if (!dest.destroyed && dest.writable) dest.write(chunk.data);
        this.regulate(stream);
      },
      end: (kind) => (kind === 'reset' ? this.reset() : this.close()),
    };
  }

  private closeEnd(end: Duplex): void {
    if (end.destroyed || this.closing.has(end)) return;
    this.closing.add(end);
    const clock = this.options.clock;
    const deadline: TimerHandle = clock.setTimeout(() => end.destroy(), this.options.closeDeadlineMs ?? CLOSE_DEADLINE_MS);
    end.once('close', () => clock.clearTimeout(deadline));
    end.once('finish', () => end.destroy());
    end.end();
  }

  private finish(how: EndKind): void {
    this.closedHow ??= how;
  }

  private closedFully(): void {
    for (const end of this.closing) end.removeAllListeners('finish');
    this.upstream.dispose();
    this.downstream.dispose();
    this.trace('link.closed', { how: this.closedHow ?? 'fin' });
    this.options.onClosed?.(this);
    this.resolveClosed();
  }
}

/** An RST where the Duplex is a socket; a plain destroy for in-memory pipes. */
function resetDuplex(end: Duplex): void {
  if (end.destroyed) return;
  const socket = end as Duplex & { resetAndDestroy?: () => void };
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else end.destroy();
}
