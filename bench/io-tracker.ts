import net from 'node:net';
import { realTimers } from '../harness/clock/clock.ts';
import { VirtualClock } from '../harness/clock/virtual-clock.ts';
import { fmt, heading, row } from './support.ts';

/** Looks timed per size: enough to average out the timer's grain. */
const LOOKS = 200;

/**
 * What one settle round costs the kernel substrate's IoTracker: the look at every tracked socket
 * (progress, then whether anything is in flight) with N idle loopback connections open, both ends
 * in this process. It grows with N; the simulated network has no such look at all.
 */
export async function benchIoTracker(): Promise<void> {
  heading('IoTracker: one settle look with N idle in-process connections', 'per look', 'per socket');
  for (const n of [100, 1_000, 4_000]) {
    const clock = VirtualClock.install();
    const server = net.createServer();
    const clients: net.Socket[] = [];
    try {
      await clock.run(new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 4096, () => resolve())));
      const port = (server.address() as net.AddressInfo).port;
      for (let i = 0; i < n; i++) clients.push(net.connect(port, '127.0.0.1'));
      await clock.settle();
      if (clock.io.state().busy) throw new Error(`IoTracker bench: ${n} idle connections still look busy: ${clock.io.state().waiting}`);
      const start = realTimers.performanceNow();
      for (let i = 0; i < LOOKS; i++) {
        clock.io.progress();
        clock.io.state();
      }
      const perLook = (realTimers.performanceNow() - start) / LOOKS;
      row(`${n.toLocaleString('en-US')} connections (${(2 * n).toLocaleString('en-US')} sockets)`, fmt.us(perLook), `${((perLook * 1e6) / (2 * n)).toFixed(0)} ns`);
    } finally {
      for (const c of clients) c.destroy();
      await new Promise((resolve) => server.close(resolve));
      clock.uninstall();
    }
  }
}
