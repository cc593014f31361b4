import net from 'node:net';
import { FlatlineError } from '../util/errors.ts';
import { WILDCARDS, isLoopback, type Host, type HostListener } from './host.ts';
import type { SimNetwork } from './network.ts';
import { SimSocket } from './socket.ts';
import type { TcpConnection } from './tcp/connection.ts';

type ListenServer = net.Server & {
  _handle: unknown;
  _connections: number;
  maxConnections?: number;
  keepAlive?: boolean;
  keepAliveInitialDelay?: number;
};

/** node's default backlog (lib/net.js setupListenHandle: `backlog || 511`). */
const NODE_DEFAULT_BACKLOG = 511;

const normalizeArgs = (net as unknown as { _normalizeArgs(args: unknown[]): [Record<string, unknown>, ((...a: unknown[]) => void) | null] })._normalizeArgs;

/**
 * net.Server.prototype.listen on the simulated network. The server gets a stand-in for its kernel
 * handle (close, getsockname, ref, unref), so net.Server's own code keeps working unchanged:
 * `listening`, `address()`, `close()` and its 'close' once the last connection ends. Accepted
 * connections arrive as SimSockets through the server's 'connection' event, as node's do.
 */
export function simListen(server: ListenServer, network: SimNetwork, args: unknown[]): net.Server {
  const [options, cb] = normalizeArgs(args);
  if (options.path !== undefined || options.handle !== undefined || options.fd !== undefined || (args[0] as { _handle?: unknown })?._handle) {
    throw new FlatlineError('FLATLINE_ERR_CONFIG', 'the simulated network listens on TCP ports only (a unix socket, fd or handle was given); use a port, or run this world with --network kernel');
  }
  if (cb) server.once('listening', cb);
  const requested = String(options.host ?? '::');
  const address = requested === 'localhost' ? '127.0.0.1' : requested;
  const host = listeningHost(network, address);
  const backlog = Number(options.backlog ?? (typeof args[2] === 'number' ? args[2] : typeof args[1] === 'number' ? args[1] : NODE_DEFAULT_BACKLOG)) || NODE_DEFAULT_BACKLOG;
  const listener: HostListener = {
    address: WILDCARDS.has(address) ? '' : address,
    backlog,
    accept: (conn: TcpConnection) => accept(server, network, host, conn),
  };
  let port: number;
  try {
    port = host.listen(Number(options.port ?? 0), listener);
  } catch (err) {
    process.nextTick(() => server.emit('error', err));
    return server;
  }
  const family = address.includes(':') ? 'IPv6' : 'IPv4';
  server._handle = {
    close: () => host.unlisten(port, listener),
    getsockname: (out: Record<string, unknown>) => (Object.assign(out, { address, family, port }), 0),
    ref: () => {},
    unref: () => {},
  };
  process.nextTick(() => {
    if (server._handle) server.emit('listening');
  });
  return server;
}

function listeningHost(network: SimNetwork, address: string): Host {
  if (WILDCARDS.has(address) || isLoopback(address)) return network.currentHost;
  const host = network.host(address);
  if (!host) {
    throw new FlatlineError('FLATLINE_ERR_LISTEN', `cannot listen on ${address}: no host of the simulated network has that address (listen on 127.0.0.1, 0.0.0.0, or a sim host's address)`);
  }
  return host;
}

/** What node's onconnection() does for a kernel connection (lib/net.js), for a sim one. */
function accept(server: ListenServer, network: SimNetwork, host: Host, conn: TcpConnection): void {
  if (!server._handle) return conn.reset();
  if (server.maxConnections && server._connections >= server.maxConnections) {
    server.emit('drop', { localAddress: conn.local.address, localPort: conn.local.port, remoteAddress: conn.remote.address, remotePort: conn.remote.port });
    return conn.reset();
  }
  const socket = SimSocket.accepted(network, host, conn, server);
  if (server.keepAlive) socket.setKeepAlive(true, (server.keepAliveInitialDelay ?? 0) * 1000);
  server._connections++;
  Object.assign(socket, { server, _server: server });
  server.emit('connection', socket);
}
