import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.ts';
import { Rng } from '../util/rng.ts';
import { simFixture, type SimFixture } from './fixture.ts';
import { Path } from './path.ts';
import type { Segment } from './segment.ts';

let clock: VirtualClock | undefined;
let f: SimFixture | undefined;
afterEach(() => {
  clock?.uninstall();
  f?.close();
  clock = f = undefined;
});

const segment = (bytes: number, seq = 0): Segment => ({ src: '10.0.0.1', sport: 1, dst: '10.0.0.2', dport: 2, seq, ackNo: 0, wnd: 0, data: Buffer.alloc(bytes) });

/** A path on a fresh clock, and the virtual times its packets arrived at. */
function path(seed = 1) {
  clock = VirtualClock.install({ substrate: 'sim' });
  const arrivals: [number, number][] = [];
  const start = clock.now();
  const p = new Path('a>b', clock, new Rng(seed), (seg) => arrivals.push([seg.seq, clock!.now() - start]));
  return { p, arrivals, clock };
}

describe('a simulated path', () => {
  it('with a bandwidth, serialises each packet (its bytes and 40 bytes of headers) behind the ones before it, then adds the latency', async () => {
    const { p, arrivals, clock } = path();
    Object.assign(p.conditions, { bandwidth: 10, latencyMs: 20 }); // 10 KB/s: 1000 bytes on the wire take 100 ms
    for (let i = 0; i < 3; i++) p.send(segment(960, i));
    await clock.advance(1_000);
    expect(arrivals).toEqual([[0, 120], [1, 220], [2, 320]]);
  });

  it('loses packets from its seeded stream: the same seed loses the same ones', async () => {
    const lost = async (seed: number) => {
      const { p, arrivals, clock } = path(seed);
      p.conditions.loss = 0.3;
      for (let i = 0; i < 50; i++) p.send(segment(10, i));
      await clock.advance(10);
      clock.uninstall();
      return arrivals.map(([seq]) => seq);
    };
    const first = await lost(7);
    expect(first.length).toBeGreaterThan(20);
    expect(first.length).toBeLessThan(50);
    expect(await lost(7)).toEqual(first);
    expect(await lost(8)).not.toEqual(first);
    clock = undefined;
  });

  it('keeps packets in the order they were sent under jitter', async () => {
    const { p, arrivals, clock } = path();
    Object.assign(p.conditions, { latencyMs: 50, jitterMs: 40 });
    for (let i = 0; i < 20; i++) p.send(segment(10, i));
    await clock.advance(200);
    expect(arrivals.map(([seq]) => seq)).toEqual([...Array(20).keys()]);
  });

  it('carries a TCP transfer at the link rate: 100 KB over 50 KB/s takes about 2 s', async () => {
    f = simFixture();
    const server = f.network.addHost('server', '10.0.0.2');
    f.network.path(f.network.defaultHost, server).conditions.bandwidth = 50;
    let received = 0;
    let doneAt = 0;
    const listener = net.createServer((s) => s.on('data', (d) => (received += d.length) === 100_000 && (doneAt = f!.clock.now())));
    await f.clock.run(new Promise<void>((resolve) => listener.listen(7000, '10.0.0.2', () => resolve())));
    const client = await f.clock.run(new Promise<net.Socket>((resolve) => { const s = net.connect(7000, '10.0.0.2', () => resolve(s)); }));
    const start = f.clock.now();
    client.write(Buffer.alloc(100_000));
    await f.clock.advance(10_000);
    // 100,000 bytes in MSS-sized segments, each with its 40 header bytes, at 50 bytes/ms.
    expect(received).toBe(100_000);
    expect(doneAt - start).toBeGreaterThanOrEqual(2_000);
    expect(doneAt - start).toBeLessThan(2_100);
    client.destroy();
    listener.close();
  });
});
