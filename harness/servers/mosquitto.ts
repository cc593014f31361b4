import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { refuseOutsideInVirtualTime } from '../clock/liveness.ts';
import { FlatlineError } from '../util/errors.ts';
import { findBinary, freePort, outOfProcess, spawnListening, stopChild } from './child-process.ts';
import { parseMqttUrl } from '../protocol/mqtt.ts';
import { DeliveryRecorder } from './mqtt-recorder.ts';
import type { ReferenceServer, ServerContext, StopMode } from './server.ts';

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/opt/homebrew/sbin/mosquitto', '/usr/bin/mosquitto'];

/** Where the mosquitto binary is ($MOSQUITTO first, then the usual install places and PATH), or undefined. */
export function mosquittoPath(): string | undefined {
  return findBinary('mosquitto', process.env.MOSQUITTO, CANDIDATES);
}

export interface MosquittoOptions {
  /** Default: mosquittoPath(). */
  binary?: string;
  /** Default 0: a free port, kept across restarts. */
  port?: number;
  /** Real time to wait for the broker to accept connections. Default 5000 ms. */
  startTimeoutMs?: number;
  /**
   * Start on a virtual clock anyway. mosquitto runs on real time: its keepalive and retry timers
   * cannot be judged in virtual time, only the client's own. Without this it is refused there.
   */
  allowVirtualTime?: boolean;
}

/**
 * A real mosquitto, started as a child process on 127.0.0.1 (or the context's host) with its own
 * config (anonymous, no persistence): a restart loses sessions, as a broker without persistence
 * does. A graceful stop is SIGTERM, a crash SIGKILL; mosquitto cannot reset its connections, so
 * 'reset' is refused. Its timers run in real time, out of reach of the virtual clock, and flatline
 * sees its connections only through proxies (no server.accepted/closed events).
 */
export class MosquittoServer implements ReferenceServer {
  readonly protocol = 'mqtt' as const;
  private readonly recorder: DeliveryRecorder;
  private readonly source: string;
  private readonly binary: string;
  private process: ChildProcess | undefined;
  private dir: string | undefined;
  private boundPort: number;

  constructor(
    private readonly ctx: ServerContext,
    private readonly options: MosquittoOptions = {},
  ) {
    const binary = options.binary ?? mosquittoPath();
    if (!binary) throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${ctx.name}": mosquitto is not installed; install it (apt-get install mosquitto, brew install mosquitto) or set MOSQUITTO to its path`);
    this.binary = binary;
    this.boundPort = options.port ?? 0;
    this.source = `server:${ctx.name}`;
    this.recorder = new DeliveryRecorder(ctx);
  }

  get name(): string {
    return this.ctx.name;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `mqtt://${this.host}:${this.port}`;
  }

  private get host(): string {
    return this.ctx.host ?? '127.0.0.1';
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const party = { what: `mosquitto (${this.binary}), server "${this.name}"` };
    refuseOutsideInVirtualTime(this.ctx.clock, party, this.options.allowVirtualTime ?? false, "give the launcher allowVirtualTime: true to judge only the client's own timers");
    // Virtual time stands still until the recorder is subscribed too: no client may publish before it listens.
    await outOfProcess(this.ctx.clock, this.launch().then(() => this.recorder.connect(this.url)));
    this.ctx.trace(this.source, 'server.started');
  }

  async stop(mode: StopMode = 'graceful'): Promise<void> {
    if (mode === 'reset') {
      throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${this.name}": mosquitto cannot reset its connections; stop it with 'graceful' or 'crash', or put a reset_peer toxic on its proxy`);
    }
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    await outOfProcess(this.ctx.clock, stopChild(child, mode === 'crash' ? 'SIGKILL' : 'SIGTERM').then(() => this.recorder.disconnected()));
    this.ctx.trace(this.source, 'server.stopped', { mode });
  }

  async close(): Promise<void> {
    // The recorder's goodbye, the exit and the file system all answer outside the clock's sight.
    await outOfProcess(this.ctx.clock, this.shutdown());
  }

  private async shutdown(): Promise<void> {
    if (this.running) await this.recorder.close();
    await this.stop('graceful');
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private async launch(): Promise<void> {
    if (this.boundPort === 0) this.boundPort = await freePort(this.host);
    this.dir ??= await mkdtemp(path.join(os.tmpdir(), 'flatline-mosquitto-'));
    const config = path.join(this.dir, 'mosquitto.conf');
    await writeFile(config, this.config());
    this.process = await spawnListening({
      what: `server "${this.name}": mosquitto`,
      binary: this.binary,
      args: ['-c', config],
      host: this.host,
      port: this.boundPort,
      timeoutMs: this.options.startTimeoutMs ?? 5000,
    });
  }

  private config(): string {
    return [
      `listener ${this.boundPort} ${this.host}`,
      'allow_anonymous true',
      'persistence false',
      // Small packets must leave at once: the virtual clock waits only briefly for out-of-process replies.
      'set_tcp_nodelay true',
      // The delivery recorder must never be the one dropping messages (the default queue holds 1000).
      'max_queued_messages 0',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      '',
    ].join('\n');
  }
}

/**
 * A broker flatline did not start, given by URL ("mqtt://host:port"): deliveries are recorded, but
 * it cannot be stopped or restarted from here.
 */
class ExternalBroker implements ReferenceServer {
  readonly protocol = 'mqtt' as const;
  private readonly recorder: DeliveryRecorder;
  private started = false;

  constructor(
    private readonly ctx: ServerContext,
    readonly url: string,
    readonly port: number,
  ) {
    this.recorder = new DeliveryRecorder(ctx);
  }

  get name(): string {
    return this.ctx.name;
  }

  get running(): boolean {
    return this.started;
  }

  async start(): Promise<void> {
    if (this.started) return;
    try {
      await outOfProcess(this.ctx.clock, this.recorder.connect(this.url));
    } catch (err) {
      throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${this.name}": cannot reach the MQTT broker at ${this.url}: ${(err as Error).message}; check that it runs and accepts anonymous clients`, { cause: err });
    }
    this.started = true;
    this.ctx.trace(`server:${this.name}`, 'server.started');
  }

  async stop(): Promise<void> {
    throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${this.name}": the broker at ${this.url} is external and flatline cannot stop it; use the built-in broker (aedes) or mosquitto for restart scenarios, or cut its proxy with a toxic`);
  }

  async close(): Promise<void> {
    this.started = false;
    await outOfProcess(this.ctx.clock, this.recorder.close());
  }
}

/** An external MQTT broker, "mqtt://host:port" (port 1883 by default). */
export function brokerFromUrl(ctx: ServerContext, url: string): ReferenceServer {
  const parsed = parseMqttUrl(url);
  if ('problem' in parsed) {
    throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${ctx.name}": broker URL ${JSON.stringify(url)} is not usable: ${parsed.problem}; write it like "mqtt://127.0.0.1:1883"`);
  }
  return new ExternalBroker(ctx, url, parsed.port);
}
