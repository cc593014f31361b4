import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { refuseOutsideInVirtualTime, type OutsideParty } from '../clock/liveness.ts';
import { FlatlineError } from '../util/errors.ts';
import { freePort, outOfProcess, spawnListening, stopChild } from './child-process.ts';
import type { ReferenceServer, ServerContext, StopMode } from './server.ts';

/** What every launcher of a real server binary takes. */
export interface ChildServerOptions {
  /** Default: the product's usual install places and PATH. */
  binary?: string;
  /** Default 0: a free port, kept across restarts. */
  port?: number;
  /** Real time to wait for it to accept connections (default: the product's). */
  startTimeoutMs?: number;
  /**
   * Start on a virtual clock anyway. The server runs on real time: its own timers cannot be judged
   * in virtual time, only the client's. Without this it is refused there.
   */
  allowVirtualTime?: boolean;
}

/** What tells one product from another: its name, how to find and run it, its recorder. */
export interface ChildServerProduct {
  /** "mosquitto", "prosody": in messages and the temporary directory's name. */
  product: string;
  protocol: ReferenceServer['protocol'];
  /** URL scheme of `url`: "mqtt", "xmpp". */
  scheme: string;
  /** Where the binary is, or undefined when it is not installed. */
  locate(): string | undefined;
  /** How to install it, for the error when it is missing: "apt-get install mosquitto, brew install mosquitto". */
  install: string;
  /** The environment variable that names the binary: "MOSQUITTO". */
  envVar: string;
  defaultStartTimeoutMs: number;
  /** How it goes down when closed: a broker's recorder says goodbye first (graceful); Prosody just stops (crash). */
  closeMode: 'graceful' | 'crash';
}

/**
 * A real server binary (mosquitto, Prosody) as a child process on the context's host, with its own
 * configuration in a temporary directory: started, stopped gracefully (SIGTERM) or crashed
 * (SIGKILL), restarted on the same port. It cannot reset its connections, so 'reset' is refused.
 * Its timers run on real time, out of reach of the virtual clock: on a virtual clock it is refused
 * unless `allowVirtualTime`. A product says how it is configured and how its delivery recorder
 * follows it; the rest is here.
 */
export abstract class ChildServer implements ReferenceServer {
  readonly protocol: ReferenceServer['protocol'];
  readonly outside: OutsideParty;
  protected readonly source: string;
  protected readonly binary: string;
  private process: ChildProcess | undefined;
  /** The temporary directory with its configuration (and data), created at the first start. */
  protected dir: string | undefined;
  private boundPort: number;

  constructor(
    protected readonly ctx: ServerContext,
    private readonly options: ChildServerOptions,
    private readonly product: ChildServerProduct,
  ) {
    const binary = options.binary ?? product.locate();
    if (!binary) {
      throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${ctx.name}": ${product.product} is not installed; install it (${product.install}) or set ${product.envVar} to its path`);
    }
    this.protocol = product.protocol;
    this.binary = binary;
    this.boundPort = options.port ?? 0;
    this.source = `server:${ctx.name}`;
    this.outside = { what: `${product.product} (${binary}), server "${ctx.name}"` };
  }

  /** The configuration file's name and text, written before every start (the port is known by then). */
  protected abstract config(dir: string): { file: string; text: string };
  /** The command line that runs it with `configPath`. */
  protected abstract args(configPath: string): string[];
  /** Once, when the directory is new: what the product needs there besides its config (accounts). */
  protected async prepare(_dir: string): Promise<void> {}
  /** Connects the delivery recorder once the server accepts connections. */
  protected abstract connectRecorder(): Promise<void>;
  /** After the process exited (stop or crash): the recorder's connection is gone with it. */
  protected abstract recorderLost(): Promise<void> | void;
  /** Before closing for good: the recorder lets go. */
  protected abstract closeRecorder(): Promise<void> | void;

  get name(): string {
    return this.ctx.name;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `${this.product.scheme}://${this.host}:${this.port}`;
  }

  protected get host(): string {
    return this.ctx.host ?? '127.0.0.1';
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    refuseOutsideInVirtualTime(this.ctx.clock, this.outside, this.options.allowVirtualTime ?? false, "give the launcher allowVirtualTime: true to judge only the client's own timers");
    // Virtual time stands still until the recorder is connected too: no client may send before it listens.
    await outOfProcess(this.ctx.clock, this.launch().then(() => this.connectRecorder()));
    this.ctx.trace(this.source, 'server.started');
  }

  async stop(mode: StopMode = 'graceful'): Promise<void> {
    if (mode === 'reset') {
      throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${this.name}": ${this.product.product} cannot reset its connections; stop it with 'graceful' or 'crash', or put a reset_peer toxic on its proxy`);
    }
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    await outOfProcess(this.ctx.clock, stopChild(child, mode === 'crash' ? 'SIGKILL' : 'SIGTERM').then(() => this.recorderLost()));
    this.ctx.trace(this.source, 'server.stopped', { mode });
  }

  async close(): Promise<void> {
    // The recorder's goodbye, the exit and the file system all answer outside the clock's sight.
    await outOfProcess(this.ctx.clock, this.shutdown());
  }

  private async shutdown(): Promise<void> {
    if (this.running) await this.closeRecorder();
    await this.stop(this.product.closeMode);
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private async launch(): Promise<void> {
    if (this.boundPort === 0) this.boundPort = await freePort(this.host);
    if (!this.dir) {
      this.dir = await mkdtemp(path.join(os.tmpdir(), `flatline-${this.product.product}-`));
      await this.prepare(this.dir);
    }
    const { file, text } = this.config(this.dir);
    const configPath = path.join(this.dir, file);
    await writeFile(configPath, text);
    this.process = await spawnListening({
      what: `server "${this.name}": ${this.product.product}`,
      binary: this.binary,
      args: this.args(configPath),
      host: this.host,
      port: this.boundPort,
      timeoutMs: this.options.startTimeoutMs ?? this.product.defaultStartTimeoutMs,
    });
  }
}
