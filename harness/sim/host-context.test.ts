import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { importCopy } from '../../test/support/module-copy.ts';
import { RealClock } from '../clock/real-clock.ts';
import { simFixture, type SimFixture } from './fixture.ts';
import { HostContext } from './host-context.ts';
import type { SimNetwork } from './network.ts';

let f: SimFixture;
afterEach(() => f?.close());

const PUBLIC = '203.0.113.1';
const SERVER = '10.0.0.1'; // the default host's address

/** A phone behind a NAT, and a listener on the default host recording where each connection came from. */
async function world() {
  f = simFixture(1);
  const nat = f.network.addNat('carrier', PUBLIC, { timeoutMs: 300_000, loose: true, port: 'preserve', filter: false, refresh: 'both' });
  const phone = f.network.addHost('phone', '192.168.1.2', { behind: nat });
  const from: string[] = [];
  const server = net.createServer((s) => {
    from.push(s.remoteAddress!);
    s.on('error', () => {});
    s.on('data', () => s.destroy()); // any message ends the connection: the client then reconnects
  });
  await f.clock.run(new Promise<void>((resolve) => server.listen(7000, () => resolve())));
  return { nat, phone, from, server };
}

/** A minimal reconnecting client: on close it waits 1 s (a fake timer) and dials again. */
function reconnecting(times: number): void {
  let left = times;
  const dial = () => {
    const s = net.connect({ host: SERVER, port: 7000 }, () => s.write('x'));
    s.on('error', () => {});
    s.resume(); // read, so the server's FIN is heard
    s.on('close', () => {
      if (--left > 0) setTimeout(dial, 1_000);
    });
  };
  dial();
}

describe('the host the running code lives on', () => {
  it('sockets opened on a host leave from it, through its reconnect timers and callbacks', async () => {
    const w = await world();
    f.network.onHost(w.phone, () => reconnecting(3));
    await f.clock.advance(10_000);
    expect(w.from).toEqual([PUBLIC, PUBLIC, PUBLIC]);
  });

  it('follows promises and immediates, and code that names no host stays on the default host', async () => {
    const w = await world();
    await f.network.onHost(w.phone, async () => {
      await Promise.resolve();
      await new Promise((resolve) => setImmediate(resolve));
      reconnecting(1);
    });
    reconnecting(1); // from the world's own code: the default host, over its loopback-free path
    await f.clock.advance(5_000);
    expect(w.from.sort()).toEqual([SERVER, PUBLIC].sort());
  });

  it('a connection accepted on a host runs its handlers there: a proxy dials upstream from its own host', async () => {
    const w = await world();
    const upstreamFrom: string[] = [];
    const upstream = net.createServer((s) => {
      upstreamFrom.push(s.remoteAddress!);
      s.destroy();
    });
    await f.clock.run(new Promise<void>((resolve) => upstream.listen(7001, () => resolve())));
    const proxy = net.createServer((s) => {
      s.on('error', () => {});
      const up = net.connect({ host: SERVER, port: 7001 });
      up.on('error', () => {});
      up.on('close', () => s.destroy());
    });
    await f.clock.run(new Promise<void>((resolve) => proxy.listen(7002, () => resolve())));
    f.network.onHost(w.phone, () => net.connect({ host: SERVER, port: 7002 }).on('error', () => {}));
    await f.clock.advance(1_000);
    expect(upstreamFrom).toEqual([SERVER]);
  });

  it('a server started on a host listens there: its wildcard is that host’s address, not the default host’s', async () => {
    const w = await world();
    const cloud = f.network.addHost('cloud', '198.51.100.7');
    const accepted: string[] = [];
    await f.clock.run(
      f.network.onHost(cloud, () => new Promise<void>((resolve) => net.createServer((s) => (accepted.push(s.localAddress!), s.destroy())).listen(8000, () => resolve()))),
    );
    const outcome = (host: string) =>
      f.clock.run(
        f.network.onHost(w.phone, () => new Promise<string>((resolve) => net.connect({ host, port: 8000 }, () => resolve('connected')).on('error', (e: NodeJS.ErrnoException) => resolve(e.code!)))),
      );
    expect(await outcome('198.51.100.7')).toBe('connected');
    expect(await outcome(SERVER)).toBe('ECONNREFUSED');
    expect(accepted).toEqual(['198.51.100.7']);
  });

  it('a TCP timer fires on its own host whoever armed it: a keepalive failure reconnects from the phone', async () => {
    const w = await world();
    let phoneSocket!: net.Socket;
    f.network.onHost(w.phone, () => {
      phoneSocket = net.connect({ host: SERVER, port: 7000 });
      phoneSocket.on('error', () => {});
    });
    await f.clock.advance(1_000);
    // armed from the world's own code, outside the phone's context
    phoneSocket.setKeepAlive(true, 1_000);
    f.network.path(f.network.defaultHost, w.nat).conditions.down = true;
    let redialedFrom: string | undefined;
    phoneSocket.on('close', () => {
      redialedFrom = f.network.currentHost.name;
    });
    await f.clock.advance(30_000);
    expect(phoneSocket.destroyed).toBe(true);
    expect(redialedFrom).toBe('phone');
  });

  it('a callback the last world left behind on a host dials from the next world’s default host, not from a closed world’s host', async () => {
    const first = await world();
    let release!: () => void;
    let installed!: SimNetwork; // the network in place when the callback runs
    const leftover = f.network.onHost(first.phone, async () => {
      await new Promise<void>((resolve) => (release = resolve));
      return installed.currentHost;
    });
    f.close();
    const next = await world();
    installed = f.network;
    f.network.onHost(next.phone, () => {}); // this world carries hosts too
    release();
    expect(await leftover).toBe(f.network.defaultHost);
  });
});

describe('one host store for every context of the process', () => {
  it('a context that is disposed leaves another one carrying its hosts through promises', async () => {
    const a = new HostContext(new RealClock());
    const b = new HostContext(new RealClock());
    const host = { name: 'phone' };
    a.within({ name: 'laptop' }, () => {});
    const carried = b.within(host, async () => {
      a.dispose();
      await Promise.resolve();
      return b.current;
    });
    expect(await carried).toBe(host);
    b.dispose();
  });
});


describe('a clock from another copy of flatline', () => {
  it('carries the host through its fake timers, and lets them go when disposed', async () => {
    const theirs = await importCopy<typeof import('../clock/virtual-clock.ts')>(new URL('../clock/virtual-clock.ts', import.meta.url));
    const clock = theirs.VirtualClock.install({ substrate: 'sim' });
    try {
      const context = new HostContext(clock);
      const host = { name: 'phone' };
      const firedOn = new Promise((resolve) => context.within(host, () => setTimeout(() => resolve(context.current), 1_000)));
      await clock.advance(1_000);
      expect(await firedOn).toBe(host);
      context.dispose();
      const bound = (clock as unknown as { binder: unknown }).binder;
      expect(bound).toBeUndefined();
    } finally {
      clock.uninstall();
    }
  });
});
