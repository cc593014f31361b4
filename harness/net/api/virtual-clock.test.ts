import { afterEach, describe, expect, it } from 'vitest';
import { realTimers } from '../../clock/clock.ts';
import { VirtualClock } from '../../clock/virtual-clock.ts';
import { connect, roundTrip, startApiFixture } from './test-fixture.ts';

let clock: VirtualClock | undefined;
afterEach(() => {
  clock?.uninstall();
  clock = undefined;
});

const MIN = 60_000;

describe('Toxiproxy API under the virtual clock', () => {
  it('drives proxies and toxics whose time is virtual: a 5-minute latency costs no real time', async () => {
    const c = (clock = VirtualClock.install());
    const fx = await c.run(() => startApiFixture({ clock: c }));
    const proxy = await c.run(() => fx.toxiproxy.createProxy({ name: 'echo', listen: '127.0.0.1:0', upstream: fx.upstream }));
    await c.run(() => proxy.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 5 * MIN, jitter: 0 } }));
    const socket = await c.run(() => connect(Number(proxy.listen.split(':')[1])));

    const wallStart = realTimers.performanceNow(); // performance.now is virtual while the clock is installed
    expect(await c.run(() => roundTrip(socket))).toBeGreaterThanOrEqual(5 * MIN);
    expect(realTimers.performanceNow() - wallStart).toBeLessThan(2000);

    socket.destroy();
    await c.run(() => fx.close());
  });
});
