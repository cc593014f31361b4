import { realTimers } from '../harness/clock/clock.ts';
import { createTcpClient } from '../harness/clients/tcp-client.ts';
import { World } from '../harness/scenario/world.ts';
import { TcpServer } from '../harness/servers/tcp-server.ts';
import { fmt, heading, row } from './support.ts';

const HOUR = 3_600_000;

/**
 * Virtual-time compression: one reference TCP client, 3-minute heartbeat, through a 5-minute
 * nat_idle toxic and 80 ms latency each way, for 24 virtual hours.
 */
export async function benchCompression(): Promise<void> {
  heading('Virtual time: 1 client, 3m heartbeat, 5m nat_idle, 80 ms latency, 24 h', 'wall time', 'compression');
  const world = new World({ seed: 1 });
  try {
    const proxy = await world.addServer(new TcpServer(world.serverContext('srv')));
    proxy.toxics.add({ type: 'nat_idle', attributes: { timeout: 300_000 } });
    proxy.toxics.add({ type: 'latency', stream: 'downstream', attributes: { latency: 80 } });
    proxy.toxics.add({ type: 'latency', stream: 'upstream', attributes: { latency: 80 } });
    const client = world.addClient(createTcpClient(world.clientContext('c1'), `127.0.0.1:${proxy.listen.port}`));
    client.connect();
    const start = realTimers.performanceNow(); // performance.now is virtual inside the world
    await world.idle(24 * HOUR);
    const wall = realTimers.performanceNow() - start;
    const beats = world.trace.of('client:c1').filter((e) => e.type === 'heartbeat.reply').length;
    const reconnects = world.trace.of('client:c1').filter((e) => e.type === 'reconnect.scheduled').length;
    row(`24 h (${beats} heartbeats answered, ${reconnects} reconnects)`, fmt.ms(wall), fmt.x((24 * HOUR) / wall));
  } finally {
    await world.close();
  }
}
