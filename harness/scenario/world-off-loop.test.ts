import { WebSocket, WebSocketServer } from 'ws';
import { describe, expect, it } from 'vitest';
import { World, type NetworkSubstrate } from './world.ts';

/**
 * A client and a server that compress with permessage-deflate, which ws runs through zlib in the
 * thread pool: each 30 s the client sends 100 kB and the server echoes it. Returns the virtual ms
 * at which each echo arrived.
 */
async function echoTimes(network: NetworkSubstrate, deflate: boolean): Promise<number[]> {
  const world = new World({ seed: 1, network });
  const arrivals: number[] = [];
  let stop = () => {};
  try {
    const started = Date.now();
    await world.act(async () => {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: deflate && { threshold: 0 } });
      await new Promise((resolve) => server.once('listening', resolve));
      server.on('connection', (socket) => socket.on('message', (message) => socket.send(message)));
      const client = new WebSocket(`ws://127.0.0.1:${(server.address() as { port: number }).port}`, { perMessageDeflate: deflate });
      await new Promise((resolve) => client.once('open', resolve));
      client.on('message', () => arrivals.push(Date.now() - started));
      const every = setInterval(() => client.send('x'.repeat(100_000)), 30_000);
      stop = () => {
        clearInterval(every);
        client.terminate();
        server.close();
      };
    });
    await world.idle(100_000);
    stop();
    return arrivals;
  } finally {
    await world.close();
  }
}

describe('work off the event loop holds virtual time still', () => {
  it.each(['sim', 'kernel'] as const)('ws with permessage-deflate (zlib in the thread pool) echoes at the same virtual instants as without it, on %s', async (network) => {
    expect(await echoTimes(network, false)).toEqual([30_000, 60_000, 90_000]);
    expect(await echoTimes(network, true)).toEqual([30_000, 60_000, 90_000]);
  });
});
