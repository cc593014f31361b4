import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { RECORDER_USER, XMPP_DOMAIN, XMPP_PASSWORD } from '../protocol/xmpp.ts';
import { FlatlineError } from '../util/errors.ts';
import { findBinary, freePort, outOfProcess, spawnListening, stopChild } from './child-process.ts';
import { XmppRecorder } from './xmpp-recorder.ts';
import type { ReferenceServer, ServerContext, StopMode } from './server.ts';

const CANDIDATES = ['/usr/bin/prosody', '/usr/local/bin/prosody', '/opt/homebrew/bin/prosody'];

/** Where the prosody binary is ($PROSODY first, then the usual install places and PATH), or undefined. */
export function prosodyPath(): string | undefined {
  return findBinary('prosody', process.env.PROSODY, CANDIDATES);
}

/** Prosody's internal storage keeps a host's accounts under its name with "." written %2e (util/datamanager.lua). */
const storeName = (host: string) => host.replace(/\./g, '%2e');

export interface ProsodyOptions {
  binary?: string;
  /** Default 0: a free port, kept across restarts. */
  port?: number;
  /** The accounts to create, each with the password "flatline"; the recorder's always exists. Default: subject, c1. */
  users?: string[];
  /** Real time to wait for it to accept connections. Default 15000 ms (Lua starts slowly on a loaded machine). */
  startTimeoutMs?: number;
}

/**
 * A real Prosody (Debian's prosody 0.12: XEP-0198 in mod_smacks, XEP-0199 in mod_ping), started as a
 * child process on the context's host with its own config and data directory: plain TCP (no TLS,
 * so mod_tls is off and unencrypted logins are allowed), accounts stored in plain files, no s2s,
 * no offline storage. A restart keeps the accounts and loses every session, as a Prosody restart
 * does. Graceful is SIGTERM (Prosody closes its streams with system-shutdown), crash is SIGKILL;
 * 'reset' is refused. Its timers run in real time, so worlds with it must run on a real (scaled) clock.
 */
export class ProsodyServer implements ReferenceServer {
  readonly protocol = 'xmpp' as const;
  private readonly recorder: XmppRecorder;
  private readonly source: string;
  private readonly binary: string;
  private process: ChildProcess | undefined;
  private dir: string | undefined;
  private boundPort: number;

  constructor(
    private readonly ctx: ServerContext,
    private readonly options: ProsodyOptions = {},
  ) {
    const binary = options.binary ?? prosodyPath();
    if (!binary) throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${ctx.name}": prosody is not installed; install it (apt-get install prosody, brew install prosody) or set PROSODY to its path`);
    this.binary = binary;
    this.boundPort = options.port ?? 0;
    this.source = `server:${ctx.name}`;
    this.recorder = new XmppRecorder(ctx);
  }

  get name(): string {
    return this.ctx.name;
  }

  get port(): number {
    return this.boundPort;
  }

  get url(): string {
    return `xmpp://${this.host}:${this.port}`;
  }

  private get host(): string {
    return this.ctx.host ?? '127.0.0.1';
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  async start(): Promise<void> {
    if (this.running) return;
    await outOfProcess(this.ctx.clock, this.launch().then(() => this.recorder.connect(this.port)));
    this.ctx.trace(this.source, 'server.started');
  }

  async stop(mode: StopMode = 'graceful'): Promise<void> {
    if (mode === 'reset') {
      throw new FlatlineError('FLATLINE_ERR_SERVER', `server "${this.name}": prosody cannot reset its connections; stop it with 'graceful' or 'crash', or put a reset_peer toxic on its proxy`);
    }
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    await outOfProcess(this.ctx.clock, stopChild(child, mode === 'crash' ? 'SIGKILL' : 'SIGTERM'));
    this.recorder.close();
    this.ctx.trace(this.source, 'server.stopped', { mode });
  }

  async close(): Promise<void> {
    this.recorder.close();
    await outOfProcess(this.ctx.clock, this.shutdown());
  }

  private async shutdown(): Promise<void> {
    await this.stop('crash');
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
    this.dir = undefined;
  }

  private async launch(): Promise<void> {
    if (this.boundPort === 0) this.boundPort = await freePort(this.host);
    if (!this.dir) {
      this.dir = await mkdtemp(path.join(os.tmpdir(), 'flatline-prosody-'));
      const accounts = path.join(this.dir, 'data', storeName(XMPP_DOMAIN), 'accounts');
      await mkdir(accounts, { recursive: true });
      const users = new Set([RECORDER_USER, ...(this.options.users ?? ['subject', 'c1'])]);
      // mod_auth_internal_plain's account file: a Lua table with the password in clear.
      for (const user of users) await writeFile(path.join(accounts, `${user}.dat`), `return {\n\t["password"] = ${JSON.stringify(XMPP_PASSWORD)};\n};\n`);
    }
    const config = path.join(this.dir, 'prosody.cfg.lua');
    await writeFile(config, this.config(this.dir));
    this.process = await spawnListening({
      what: `server "${this.name}": prosody`,
      binary: this.binary,
      args: ['--config', config, '-F'],
      host: this.host,
      port: this.boundPort,
      timeoutMs: this.options.startTimeoutMs ?? 15_000,
    });
  }

  private config(dir: string): string {
    const q = (s: string) => JSON.stringify(s);
    return [
      `pidfile = ${q(path.join(dir, 'prosody.pid'))}`,
      `data_path = ${q(path.join(dir, 'data'))}`,
      'plugin_paths = {}',
      'modules_enabled = { "saslauth", "ping", "smacks", "roster", "disco" }',
      'modules_disabled = { "s2s", "tls", "offline", "posix" }',
      'authentication = "internal_plain"',
      'storage = "internal"',
      'c2s_require_encryption = false',
      'allow_unencrypted_plain_auth = true',
      `c2s_ports = { ${this.boundPort} }`,
      `c2s_interfaces = { ${q(this.host)} }`,
      's2s_ports = {}',
      'http_ports = {}',
      'https_ports = {}',
      'component_ports = {}',
      'log = { error = "*stderr"; warn = "*stderr" }',
      `VirtualHost ${q(XMPP_DOMAIN)}`,
      '',
    ].join('\n');
  }
}
