import type { Clock } from '../clock/clock.ts';
import type { OutsideParty } from '../clock/liveness.ts';
import type { TraceSink } from '../trace/trace.ts';

/**
 * How a server goes down. graceful: it says goodbye (protocol close, then FIN); crash: the
 * process dies and the kernel closes its sockets (FIN, no goodbye); reset: every connection gets an RST.
 * A server that vanishes without any FIN is a network fault, not a server mode: use the half_open toxic.
 */
export type StopMode = 'graceful' | 'crash' | 'reset';

/** What a reference server needs from its world. */
export interface ServerContext {
  clock: Clock;
  trace: TraceSink;
  /** Names the server in the trace (source "server:<name>"). */
  name: string;
  /** Where it listens; default 127.0.0.1 (nothing listens beyond loopback unless asked). */
  host?: string;
}

export interface ReferenceServer {
  readonly name: string;
  readonly protocol: 'tcp' | 'ws' | 'mqtt' | 'xmpp';
  /** Fixed after the first start: a restart comes back on the same port. */
  readonly port: number;
  /** Where clients connect, e.g. "ws://127.0.0.1:40123". */
  readonly url: string;
  readonly running: boolean;
  /** Set when the server is a process of its own (mosquitto, Prosody): it runs on real time whatever the world's clock. */
  readonly outside?: OutsideParty;
  start(): Promise<void>;
  stop(mode?: StopMode): Promise<void>;
  /**
   * Closes the connections open now with its goodbye, one after another over `overMs`, and keeps
   * listening (a drain before a deploy). Absent where the server cannot close one connection alone.
   */
  drain?(overMs: number): void;
  /** Stops for good and releases everything at once (no goodbyes; teardown must not wait on a peer). */
  close(): Promise<void>;
}
