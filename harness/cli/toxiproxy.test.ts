import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Toxiproxy } from 'toxiproxy-node-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEcho } from '../../test/support/echo.ts';
import { startFlood, stuffWithoutReading } from '../../test/support/flood.ts';
import { connect, roundTrip } from '../net/api/test-fixture.ts';
import { captureIo } from './capture-io.ts';
import { main } from './main.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let echo: Awaited<ReturnType<typeof startEcho>>;
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'flatline-cli-'));
  echo = await startEcho();
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});
afterAll(async () => {
  await echo.close();
  await rm(dir, { recursive: true, force: true });
});

async function configFile(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** Runs bin/flatline.mjs as a user would; `exit` resolves with the exit code and everything printed. */
function flatline(args: string[]) {
  const child = spawn(process.execPath, ['bin/flatline.mjs', ...args], { cwd: repo });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // 'close' comes after the output streams have ended, so stdout and stderr are complete.
  const exit = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  /** Resolves with the API URL once the server says where it listens (asked for only by tests that expect it to). */
  const listening = () =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const url = /flatline toxiproxy listening on (http:\/\/\S+)\n/.exec(stdout)?.[1];
        if (url) resolve(url);
      };
      child.stdout.on('data', check);
      check();
      void exit.then((r) => reject(new Error(`flatline exited (${r.code}) before listening: ${r.stderr}`)));
    });
  return { child, listening, exit, stderr: () => stderr };
}

describe('flatline toxiproxy (a child process)', () => {
  it('serves the config file\'s proxies on port 0, logs with --verbose, and exits 0 on SIGINT', async () => {
    const config = await configFile('proxies.json', [{ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}`, enabled: true }]);
    const run = flatline(['toxiproxy', '--port', '0', '--config', config, '--seed', '7', '--verbose']);
    const url = await run.listening();
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const proxies = await new Toxiproxy(url).getAll();
    expect(Object.keys(proxies)).toEqual(['echo']);
    const socket = await connect(Number(proxies.echo.listen.split(':')[1]));
    await roundTrip(socket);
    await proxies.echo.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 1, jitter: 0 } });
    expect(run.stderr()).toMatch(/ link:echo#1 link\.opened /);
    expect(run.stderr()).toMatch(/ proxy:echo toxic\.added \{"toxic":"lag"/);

    run.child.kill('SIGINT');
    const { code, stdout, stderr } = await run.exit;
    socket.destroy();
    expect(code).toBe(0);
    expect(stdout).toContain(`  seed 7\n  proxy echo: 127.0.0.1:${proxies.echo.listen.split(':')[1]} -> 127.0.0.1:${echo.port}\n`);
    expect(stderr).toContain('flatline toxiproxy: SIGINT, closing every proxy and connection\n');
  });

  it('exits 0 within a second of SIGTERM while a connection is stalled both ways', async () => {
    const flood = await startFlood();
    try {
      const config = await configFile('stalled.json', [{ name: 'stalled', listen: '127.0.0.1:0', upstream: `127.0.0.1:${flood.port}` }]);
      const run = flatline(['toxiproxy', '--port', '0', '--config', config]);
      const proxies = await new Toxiproxy(await run.listening()).getAll();
      const socket = await connect(Number(proxies.stalled.listen.split(':')[1]));
      void stuffWithoutReading(socket, 64 * 1024 * 1024);
      await new Promise((r) => setTimeout(r, 300)); // the proxy takes what it may hold, then stops reading
      const start = performance.now();
      run.child.kill('SIGTERM');
      const { code } = await run.exit;
      // Generous on a loaded machine; before the close deadline this never exited.
      expect(performance.now() - start).toBeLessThan(1000);
      expect(code).toBe(0);
      socket.destroy();
    } finally {
      await flood.close();
    }
  });

  it.skipIf(!existsSync('/proc/self/stat'))('uses no CPU once traffic stops: its busy poll (on by default) lets the loop block again', async () => {
    const config = await configFile('busy.json', [{ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }]);
    const run = flatline(['toxiproxy', '--port', '0', '--config', config]);
    const proxies = await new Toxiproxy(await run.listening()).getAll();
    const socket = await connect(Number(proxies.echo.listen.split(':')[1]));
    for (let i = 0; i < 200; i++) await roundTrip(socket);
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100)); // the window (1 ms) has long passed
    const before = cpuTicks(run.child.pid!);
    await new Promise((r) => setTimeout(r, 500));
    // a loop that kept spinning would take up to all 500 ms (50 ticks); idle, node wakes now and then
    expect(cpuTicks(run.child.pid!) - before).toBeLessThan(5);
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
  });

  it('rejects a config file with a bad entry: exit 2, the message names the file', async () => {
    const config = await configFile('bad-entry.json', [{ name: 'ok', upstream: '127.0.0.1:1' }, { name: 'no-upstream' }]);
    const { code, stderr } = await flatline(['toxiproxy', '--port', '0', '--config', config]).exit;
    expect(code).toBe(2);
    expect(stderr).toBe(`flatline toxiproxy: config file ${config}: proxy #2: missing required field: upstream\n`);
  });
});

/** User + system CPU time of a process so far, in clock ticks of 10 ms (proc(5): /proc/PID/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

describe('flatline toxiproxy (in process): failures before it listens', () => {
  it.each(['1.5', '-1', '1000001', 'fast'])('--busy-poll-us %s: exit 2 and a message naming the flag', async (value) => {
    const io = captureIo();
    expect(await main(['toxiproxy', '--port', '0', `--busy-poll-us=${value}`], io)).toBe(2);
    expect(io.err()).toContain(`--busy-poll-us must be a whole number from 0 to 1000000 (got "${value}")`);
    expect(io.out()).toBe('');
  });

  it.each([
    ['missing.json', undefined, 'no such file'],
    ['broken.json', '[{"name": ', 'not valid JSON: '],
    ['object.json', { name: 'x' }, 'expected a JSON array of proxies, like [{"name": "redis"'],
    ['bad-listen.json', [{ name: 'x', listen: 'everywhere', upstream: '127.0.0.1:1' }], 'proxy "x": listen must be "host:port"'],
  ])('config %s: exit 2 and a message naming the file', async (name, content, why) => {
    const file = content === undefined ? path.join(dir, name) : await configFile(name, content);
    const io = captureIo();
    expect(await main(['toxiproxy', '--port', '0', '--config', file], io)).toBe(2);
    expect(io.err()).toContain(`flatline toxiproxy: config file ${file}: ${why}`);
    expect(io.out()).toBe('');
  });

  it('an API port in use: exit 1 with the reason, and the config\'s proxies closed again', async () => {
    const config = await configFile('one.json', [{ name: 'echo', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo.port}` }]);
    const io = captureIo();
    expect(await main(['toxiproxy', '--port', String(echo.port), '--config', config], io)).toBe(1);
    expect(io.err()).toBe(
      `flatline toxiproxy: the Toxiproxy API cannot listen on 127.0.0.1:${echo.port}: address already in use (another flatline toxiproxy or a Toxiproxy?); stop it or pick another port (0 picks a free one)\n`,
    );
  });
});
