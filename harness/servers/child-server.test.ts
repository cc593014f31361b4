import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../clock/clock.ts';
import { RealClock } from '../clock/real-clock.ts';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { Trace } from '../trace/trace.ts';
import { isFlatlineError } from '../util/errors.ts';
import { ChildServer, type ChildServerOptions } from './child-server.ts';
import type { ServerContext } from './server.ts';

/** A product that is node itself, listening where its config file says: a real child process, no install needed. */
class EchoServer extends ChildServer {
  readonly recorder: string[] = [];

  constructor(ctx: ServerContext, options: ChildServerOptions = {}) {
    super(ctx, options, {
      product: 'echo',
      protocol: 'tcp',
      scheme: 'tcp',
      locate: () => process.execPath,
      install: 'it is node',
      envVar: 'ECHO',
      defaultStartTimeoutMs: 10_000,
      closeMode: 'graceful',
    });
  }

  protected config(): { file: string; text: string } {
    return { file: 'echo.json', text: JSON.stringify({ host: this.host, port: this.port }) };
  }

  protected args(configPath: string): string[] {
    const script = `const { host, port } = require(${JSON.stringify(configPath)}); require('node:net').createServer((s) => s.pipe(s)).listen(port, host);`;
    return ['-e', script];
  }

  protected async connectRecorder(): Promise<void> {
    this.recorder.push('connected');
  }

  protected recorderLost(): void {
    this.recorder.push('lost');
  }

  protected closeRecorder(): void {
    this.recorder.push('closed');
  }

  get directory(): string | undefined {
    return this.dir;
  }
}

let server: EchoServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function context(clock: Clock = new RealClock()) {
  const trace = new Trace(clock);
  return { ctx: { clock, trace: trace.sink, name: 'echo' }, trace };
}

describe('ChildServer', () => {
  it('starts the binary with its config, comes back on the same port after a crash, and leaves nothing behind', async () => {
    const { ctx, trace } = context();
    server = new EchoServer(ctx);
    await server.start();
    expect(server.running).toBe(true);
    expect(server.url).toBe(`tcp://127.0.0.1:${server.port}`);
    const port = server.port;
    const dir = server.directory!;
    expect(existsSync(dir)).toBe(true);
    await server.stop('crash');
    expect(server.running).toBe(false);
    await server.start();
    expect(server.port).toBe(port);
    await server.close();
    expect(existsSync(dir)).toBe(false);
    expect(server.recorder).toEqual(['connected', 'lost', 'connected', 'closed', 'lost']);
    expect(trace.events.map((e) => [e.type, e.mode])).toEqual([
      ['server.started', undefined],
      ['server.stopped', 'crash'],
      ['server.started', undefined],
      ['server.stopped', 'graceful'],
    ]);
    server = undefined;
  });

  it("refuses a 'reset' stop, which a process cannot do to its connections", async () => {
    server = new EchoServer(context().ctx);
    await server.start();
    await expect(server.stop('reset')).rejects.toThrow(/^server "echo": echo cannot reset its connections; stop it with 'graceful' or 'crash', or put a reset_peer toxic on its proxy$/);
    expect(server.running).toBe(true);
  });

  it('refuses to start on a virtual clock unless opted in: the process runs on real time', async () => {
    const clock = VirtualClock.install();
    try {
      const refused = new EchoServer(context(clock).ctx);
      const err = await refused.start().catch((e: unknown) => e);
      expect(isFlatlineError(err, 'FLATLINE_ERR_EXTERNAL_PEER')).toBe(true);
      expect((err as Error).message).toMatch(/^echo \(.*\), server "echo" lives outside this process and answers on real time.*Run in real time with --time-scale 0\.01, or give the launcher allowVirtualTime: true/);
      expect(refused.running).toBe(false);
      expect(refused.outside.what).toMatch(/^echo \(.*\), server "echo"$/); // the run's verdicts name it so
      expect(refused.directory).toBeUndefined(); // refused before anything was made or spawned
    } finally {
      clock.uninstall();
    }
  });

  it('names the product, the place to install it from and its variable when it is not installed', () => {
    expect(() => new (class extends ChildServer {
      constructor() {
        super(context().ctx, {}, { product: 'nothing', protocol: 'tcp', scheme: 'tcp', locate: () => undefined, install: 'apt-get install nothing', envVar: 'NOTHING', defaultStartTimeoutMs: 1, closeMode: 'crash' });
      }
      protected config = () => ({ file: '', text: '' });
      protected args = () => [];
      protected connectRecorder = async () => {};
      protected recorderLost = () => {};
      protected closeRecorder = () => {};
    })()).toThrow('server "echo": nothing is not installed; install it (apt-get install nothing) or set NOTHING to its path');
  });
});
