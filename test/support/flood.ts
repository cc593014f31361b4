import net from 'node:net';

/**
 * A server that never reads and writes to each connection until the kernel and node buffers are
 * full: the far end of a stalled connection in both directions.
 */
export async function startFlood(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const block = Buffer.alloc(64 * 1024, 0x66);
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
    s.pause();
    const fill = () => {
      while (!s.destroyed && s.write(block));
    };
    s.on('drain', fill);
    fill();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Writes `bytes` to `socket` without ever reading from it, as fast as it takes them; resolves with how many it took. */
export function stuffWithoutReading(socket: net.Socket, bytes: number): Promise<number> {
  socket.pause();
  const block = Buffer.alloc(64 * 1024, 0x73);
  let written = 0;
  return new Promise((resolve) => {
    const more = () => {
      while (written < bytes && !socket.destroyed) {
        written += block.length;
        if (!socket.write(block)) return;
      }
      resolve(written);
    };
    socket.on('drain', more);
    socket.once('close', () => resolve(written));
    more();
  });
}
