import net from 'node:net';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FaultNetwork } from '../net/network.ts';
import { Trace } from '../trace/trace.ts';
import { isFlatlineError } from '../util/errors.ts';
import { Rng } from '../util/rng.ts';
import { realTimers } from './clock.ts';
import { DEFAULT_EPOCH, isVirtualClock, VirtualClock } from './virtual-clock.ts';
import { importCopy } from '../../test/support/module-copy.ts';

let clock: VirtualClock | undefined;
afterEach(() => {
  clock?.uninstall();
  clock = undefined;
});

const MIN = 60_000;

/** A server that records (virtual) accept times and answers every chunk with "ok". */
async function startRecorder(c: VirtualClock) {
  const accepted: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    accepted.push(c.now());
    sockets.add(s);
    s.on('data', () => s.write('ok'));
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await c.run(new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r())));
  const port = (server.address() as net.AddressInfo).port;
  const close = () =>
    c.run(
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
    );
  return { port, accepted, close };
}

/**
 * n clients connect at once through a proxy with 80 ms latency and a 5-minute NAT, each writes
 * every 3 minutes for an hour; returns each client's event times (reply times and NAT events).
 */
async function fleet(n: number, seed: number, jitter = 20) {
  clock = VirtualClock.install();
  const c = clock;
  const trace = new Trace(c);
  const server = await startRecorder(c);
  const network = new FaultNetwork({ clock: c, rng: new Rng(seed), trace: trace.sink });
  const proxy = await c.run(() => network.create({ name: 'srv', upstream: `127.0.0.1:${server.port}` }));
  proxy.toxics.add({ name: 'lag', type: 'latency', stream: 'downstream', attributes: { latency: 80, jitter } });
  proxy.toxics.add({ name: 'nat', type: 'nat_idle', attributes: { timeout: 5 * MIN } });
  const replies: number[][] = [];
  const sockets: net.Socket[] = [];
  for (let i = 0; i < n; i++) {
    const times: number[] = [];
    replies.push(times);
    const s = net.connect(proxy.listen.port, '127.0.0.1');
    s.on('data', () => times.push(c.now() - DEFAULT_EPOCH));
    s.on('error', () => {});
    sockets.push(s);
    // client i stops writing after 30 minutes, so its NAT mapping expires 5 minutes later
    const writer = c.setInterval(() => (c.now() - DEFAULT_EPOCH <= 30 * MIN ? s.write('ping') : c.clearInterval(writer)), 3 * MIN);
  }
  await c.advance(60 * MIN);
  for (const s of sockets) s.destroy();
  await c.run(() => network.close());
  await server.close();
  return { replies, accepted: server.accepted, trace };
}

describe('VirtualClock settle-then-jump loop', () => {
  it('lets the server accept a connection before the clock moves on', async () => {
    clock = VirtualClock.install();
    const server = await startRecorder(clock);
    const socket = net.connect(server.port, '127.0.0.1');
    clock.setTimeout(() => {}, 5 * MIN); // something for the clock to jump to
    await clock.advance(10 * MIN);
    expect(server.accepted).toEqual([DEFAULT_EPOCH]);
    socket.destroy();
    await server.close();
  });

  it('gives every one of 500 simultaneous clients the same event times as a lone client', async () => {
    const lone = await fleet(1, 7, 0);
    clock!.uninstall();
    const crowd = await fleet(500, 7, 0);
    expect(crowd.accepted).toHaveLength(500);
    expect(new Set(crowd.accepted)).toEqual(new Set(lone.accepted));
    for (const times of crowd.replies) expect(times).toEqual(lone.replies[0]);
    const expiries = crowd.trace.ofType('nat.expired').map((e) => e.t);
    expect(expiries).toHaveLength(500);
    expect(new Set(expiries)).toEqual(new Set(lone.trace.ofType('nat.expired').map((e) => e.t)));
  });

  it('gives the same trace, event for event, for the same seed', async () => {
    const a = await fleet(20, 42);
    clock!.uninstall();
    const b = await fleet(20, 42);
    clock!.uninstall();
    const c = await fleet(20, 43);
    expect(JSON.stringify(b.trace.events)).toEqual(JSON.stringify(a.trace.events));
    expect(b.replies).toEqual(a.replies);
    expect(c.replies).not.toEqual(a.replies); // the seed drives the jitter
  });

  it('drives third-party code that calls setTimeout, setInterval, Date and performance.now', async () => {
    clock = VirtualClock.install();
    const fired: number[] = [];
    // as a library would: through the globals, after the clock was installed
    const startDate = Date.now();
    const startPerf = performance.now();
    const ticker = setInterval(() => fired.push(Date.now() - startDate), 60_000);
    const done = new Promise<number>((resolve) => setTimeout(() => resolve(performance.now() - startPerf), 3_600_001));
    const perfElapsed = await clock.run(done);
    clearInterval(ticker);
    expect(fired).toHaveLength(60);
    expect(fired[59]).toBe(3_600_000);
    expect(perfElapsed).toBe(3_600_001);
    expect(new Date().toISOString()).toBe('2026-01-01T01:00:00.001Z');
  });
});

describe('VirtualClock on the simulated network', () => {
  it('holds the current instant while an added source is busy (in-process work off the event loop, such as WebCrypto)', async () => {
    clock = VirtualClock.install({ substrate: 'sim' });
    const c = clock;
    let busy = true;
    let doneAt: number | undefined;
    c.io.addSource({ busy: () => busy, progress: () => 0 });
    realTimers.setTimeout(() => {
      busy = false;
      doneAt = c.now();
    }, 30);
    c.setTimeout(() => {}, 5 * MIN);
    await c.advance(10 * MIN);
    expect(doneAt).toBe(DEFAULT_EPOCH);
    expect(c.now()).toBe(DEFAULT_EPOCH + 10 * MIN);
  });

  it('fails the run, never the process, when a timer or a packet handler throws (the drain runs in immediates, not awaits)', async () => {
    clock = VirtualClock.install({ substrate: 'sim' });
    const c = clock;
    c.setTimeout(() => {
      throw new Error('timer threw');
    }, MIN);
    await expect(c.advance(10 * MIN)).rejects.toThrow('timer threw');
    // A packet sent at this instant with no latency: the sim's own event, fired by the drain itself.
    c.simTimers.setTimeout(() => {
      throw new Error('packet handler threw');
    }, 0);
    await expect(c.run(new Promise(() => {}))).rejects.toThrow('packet handler threw');
  });
});

describe('VirtualClock errors', () => {
  it('refuses a second clock in the same process', () => {
    clock = VirtualClock.install();
    expect(() => VirtualClock.install()).toThrow(/already installed/);
  });

  it('reports a run that waits for something that cannot happen', async () => {
    clock = VirtualClock.install();
    const err = await clock.run(new Promise(() => {})).catch((e: unknown) => e);
    expect(isFlatlineError(err, 'FLATLINE_ERR_CLOCK_STUCK')).toBe(true);
  });

  it('reports I/O that stopped moving as a stall naming the socket, never as a quiet world', async () => {
    // A peer the tracker cannot see (another thread, as another process would be) that never reads:
    // the client's bytes stay unflushed for good, and real time passing must not make that quiet.
    const peer = new Worker(
      `const net = require('node:net'); const { parentPort } = require('node:worker_threads');
       const server = net.createServer({ pauseOnConnect: true }, () => {});
       server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
       parentPort.on('message', () => process.exit(0));`,
      { eval: true },
    );
    try {
      const port = await new Promise<number>((resolve) => peer.once('message', resolve));
      clock = VirtualClock.install({ stallMs: 500 });
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write(Buffer.alloc(64 * 1024 * 1024)); // more than the kernel buffers hold
      let jumped = false;
      clock.setTimeout(() => (jumped = true), 1000);
      const err = await clock.advance(10 * MIN).catch((e: unknown) => e);
      expect(isFlatlineError(err, 'FLATLINE_ERR_CLOCK_STALL')).toBe(true);
      const where = `client socket 127.0.0.1:${socket.localPort} -> 127.0.0.1:${port}`;
      expect((err as Error).message).toMatch(new RegExp(`^I/O stopped moving for 500ms of real time while ${where} has \\d+ bytes not yet flushed to the kernel`));
      expect((err as Error).message).toMatch(/raise VirtualClock's stallMs/);
      expect(jumped).toBe(false);
      socket.destroy();
    } finally {
      peer.postMessage('exit');
      await new Promise((resolve) => peer.once('exit', resolve));
    }
  });

  it('stops a run at its virtual time limit', async () => {
    clock = VirtualClock.install();
    const c = clock;
    const forever = new Promise(() => c.setInterval(() => {}, 1000));
    const err = await c.run(forever, { limitMs: 60_000 }).catch((e: unknown) => e);
    expect(isFlatlineError(err, 'FLATLINE_ERR_CLOCK_LIMIT')).toBe(true);
    expect(c.elapsed()).toBeLessThanOrEqual(60_000);
  });
});

describe('a VirtualClock of another copy of flatline', () => {
  const copy = () => importCopy<typeof import('./virtual-clock.ts')>(new URL('./virtual-clock.ts', import.meta.url));

  it('is a VirtualClock to every copy, where instanceof says it is not', async () => {
    const theirs = await copy();
    expect(theirs.VirtualClock).not.toBe(VirtualClock); // really a second instance of the module
    clock = theirs.VirtualClock.install({ substrate: 'sim' });
    expect(clock instanceof VirtualClock).toBe(false);
    expect(isVirtualClock(clock)).toBe(true);
    expect(theirs.isVirtualClock(clock)).toBe(true);
    expect([{}, null, 'virtual', { kind: 'virtual' }].map(isVirtualClock)).toEqual([false, false, false, false]);
  });

  it('refuses the sim substrate on a node that does not list queued immediates, and installs nothing', async () => {
    const theirs = await copy(); // a fresh module: it has not checked this process yet
    const listed = vi.spyOn(process, 'getActiveResourcesInfo').mockReturnValue([]);
    try {
      expect(() => theirs.VirtualClock.install({ substrate: 'sim' })).toThrow(
        expect.objectContaining({ code: 'FLATLINE_ERR_CLOCK_UNSUPPORTED', message: expect.stringContaining('does not list queued immediates in process.getActiveResourcesInfo()') }),
      );
    } finally {
      listed.mockRestore();
    }
    clock = VirtualClock.install({ substrate: 'sim' }); // nothing was left installed
  });

  it('cannot be installed while one of this copy is', async () => {
    const theirs = await copy();
    clock = VirtualClock.install({ substrate: 'sim' });
    expect(() => theirs.VirtualClock.install({ substrate: 'sim' })).toThrow(/a virtual clock is already installed in this process/);
  });
});
