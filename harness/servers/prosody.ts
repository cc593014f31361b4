import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { RECORDER_USER, XMPP_DOMAIN, XMPP_PASSWORD } from '../protocol/xmpp.ts';
import { findBinary } from './child-process.ts';
import { ChildServer, type ChildServerOptions, type ChildServerProduct } from './child-server.ts';
import { XmppRecorder } from './xmpp-recorder.ts';
import type { ServerContext } from './server.ts';

const CANDIDATES = ['/usr/bin/prosody', '/usr/local/bin/prosody', '/opt/homebrew/bin/prosody'];

/** Where the prosody binary is ($PROSODY first, then the usual install places and PATH), or undefined. */
export function prosodyPath(): string | undefined {
  return findBinary('prosody', process.env.PROSODY, CANDIDATES);
}

/** Prosody's internal storage keeps a host's accounts under its name with "." written %2e (util/datamanager.lua). */
const storeName = (host: string) => host.replace(/\./g, '%2e');

export interface ProsodyOptions extends ChildServerOptions {
  /** The accounts to create, each with the password "flatline"; the recorder's always exists. Default: subject, c1. */
  users?: string[];
}

const PROSODY: ChildServerProduct = {
  product: 'prosody',
  protocol: 'xmpp',
  scheme: 'xmpp',
  locate: prosodyPath,
  install: 'apt-get install prosody, brew install prosody',
  envVar: 'PROSODY',
  // Lua starts slowly on a loaded machine.
  defaultStartTimeoutMs: 15_000,
  closeMode: 'crash',
};

/**
 * A real Prosody (Debian's prosody 0.12: XEP-0198 in mod_smacks, XEP-0199 in mod_ping), a
 * ChildServer with its own config and data directory: plain TCP (no TLS, so mod_tls is off and
 * unencrypted logins are allowed), accounts stored in plain files, no s2s, no offline storage. A
 * restart keeps the accounts and loses every session, as a Prosody restart does; a graceful stop
 * closes its streams with system-shutdown. Its timers run in real time, so worlds with it run on a
 * real (scaled) clock.
 */
export class ProsodyServer extends ChildServer {
  private readonly recorder: XmppRecorder;

  constructor(
    ctx: ServerContext,
    private readonly prosodyOptions: ProsodyOptions = {},
  ) {
    super(ctx, prosodyOptions, PROSODY);
    this.recorder = new XmppRecorder(ctx);
  }

  protected override async prepare(dir: string): Promise<void> {
    const accounts = path.join(dir, 'data', storeName(XMPP_DOMAIN), 'accounts');
    await mkdir(accounts, { recursive: true });
    const users = new Set([RECORDER_USER, ...(this.prosodyOptions.users ?? ['subject', 'c1'])]);
    // mod_auth_internal_plain's account file: a Lua table with the password in clear.
    for (const user of users) await writeFile(path.join(accounts, `${user}.dat`), `return {\n\t["password"] = ${JSON.stringify(XMPP_PASSWORD)};\n};\n`);
  }

  protected connectRecorder(): Promise<void> {
    return this.recorder.connect(this.port);
  }

  protected recorderLost(): void {
    this.recorder.close();
  }

  protected closeRecorder(): void {
    this.recorder.close();
  }

  protected args(configPath: string): string[] {
    return ['--config', configPath, '-F'];
  }

  protected config(dir: string): { file: string; text: string } {
    const q = (s: string) => JSON.stringify(s);
    const text = [
      `pidfile = ${q(path.join(dir, 'prosody.pid'))}`,
      `data_path = ${q(path.join(dir, 'data'))}`,
      'plugin_paths = {}',
      'modules_enabled = { "saslauth", "ping", "smacks", "roster", "disco" }',
      'modules_disabled = { "s2s", "tls", "offline", "posix" }',
      'authentication = "internal_plain"',
      'storage = "internal"',
      'c2s_require_encryption = false',
      'allow_unencrypted_plain_auth = true',
      `c2s_ports = { ${this.port} }`,
      `c2s_interfaces = { ${q(this.host)} }`,
      's2s_ports = {}',
      'http_ports = {}',
      'https_ports = {}',
      'component_ports = {}',
      'log = { error = "*stderr"; warn = "*stderr" }',
      `VirtualHost ${q(XMPP_DOMAIN)}`,
      '',
    ].join('\n');
    return { file: 'prosody.cfg.lua', text };
  }
}
