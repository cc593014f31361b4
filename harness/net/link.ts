import type { Duplex } from 'node:stream';
import type { Clock } from '../clock/clock.ts';
import type { TraceSink } from '../trace/trace.ts';
import type { Rng } from '../util/rng.ts';
import { Pipeline } from './pipeline.ts';
import type { EndKind, LinkControl, StageOutput, Stream, ToxicSpec, ToxicStage, ToxicType } from './toxic.ts';
import { STREAMS } from './toxic.ts';

/** A toxic as the proxy keeps it: the API spec, its type and its checked attributes. */
export interface ToxicEntry {
  spec: ToxicSpec;
  type: ToxicType<any>;
  attributes: Record<string, number | string>;
}

export interface LinkOptions {
  clock: Clock;
  /** The link's own random stream; each toxic forks its own from it. */
  rng: Rng;
  trace: TraceSink;
  onClosed?: (link: Link) => void;
}

type End = 'client' | 'server';

/**
 * One proxied connection: the accepted client end, the dialed server end, and a pipeline of toxic
 * stages per direction. The ends are any Duplex: real sockets in harness mode, in-memory pipes in
 * simulator mode. Like Toxiproxy there is no half-close: an end that closes closes both, unless a
 * toxic (half_open, nat_idle) keeps the news from the other end.
 */
export class Link implements LinkControl {
  readonly upstream: Pipeline;
  readonly downstream: Pipeline;
  private readonly open = new Set<End>(['client', 'server']);
  private closedHow: EndKind | undefined;

  constructor(
    readonly id: string,
    private readonly client: Duplex,
    private readonly server: Duplex,
    private readonly options: LinkOptions,
  ) {
    this.upstream = new Pipeline(this.sinkTo(server));
    this.downstream = new Pipeline(this.sinkTo(client));
  }

  /** Starts moving bytes with the toxics that exist when the connection opens. */
  start(toxics: Iterable<ToxicEntry>): void {
    for (const entry of toxics) this.addToxic(entry, true);
    this.pump(this.client, 'client', this.upstream);
    this.pump(this.server, 'server', this.downstream);
    this.trace('link.opened');
  }

  get closed(): boolean {
    return this.open.size === 0;
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
  }

  removeToxic(name: string): void {
    this.upstream.detach(name, 'removed');
    this.downstream.detach(name, 'removed');
    this.upstream.remove(name);
    this.downstream.remove(name);
  }

  /** A full close, like Toxiproxy's Close(): FIN once the queued bytes are out, then the socket is gone. */
  close(): void {
    this.finish('fin');
    for (const end of [this.client, this.server]) {
      if (end.destroyed) continue;
      end.once('finish', () => end.destroy());
      end.end();
    }
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
    const stages: Partial<Record<Stream, ToxicStage>> = entry.type.attach({
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

  private pump(source: Duplex, end: End, pipeline: Pipeline): void {
    const clock = this.options.clock;
    let ended = false;
    const finish = (kind: EndKind) => {
      if (ended) return;
      ended = true;
      pipeline.input.end(kind);
    };
    source.on('data', (data: Buffer) => pipeline.input.data({ data, at: clock.now() }));
    source.on('end', () => finish('fin'));
    source.on('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNRESET' ? 'reset' : 'fin'));
    source.on('close', () => {
      finish('fin');
      this.open.delete(end);
      if (this.open.size === 0) this.closedFully();
    });
  }

  /** The end of a pipeline: write to the socket, or close the connection when the direction ends. */
  private sinkTo(dest: Duplex): StageOutput {
    return {
      data: (chunk) => {
        if (!dest.destroyed && dest.writable) dest.write(chunk.data);
      },
      end: (kind) => (kind === 'reset' ? this.reset() : this.close()),
    };
  }

  private finish(how: EndKind): void {
    this.closedHow ??= how;
  }

  private closedFully(): void {
    this.upstream.dispose();
    this.downstream.dispose();
    this.trace('link.closed', { how: this.closedHow ?? 'fin' });
    this.options.onClosed?.(this);
  }
}

/** An RST where the Duplex is a socket; a plain destroy for in-memory pipes. */
function resetDuplex(end: Duplex): void {
  if (end.destroyed) return;
  const socket = end as Duplex & { resetAndDestroy?: () => void };
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else end.destroy();
}
