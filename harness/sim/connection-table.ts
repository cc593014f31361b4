import type { TcpConnection } from './tcp/connection.ts';

/** Connections on one local port and one remote port, by remote address, then by local address. */
type ByRemoteAddress = Map<string, Map<string, TcpConnection>>;

/**
 * A host's connections by 4-tuple. Every arriving segment is looked up here, so by each part of
 * the tuple in turn (local port, remote port, remote address, local address), as a kernel hashes
 * the whole tuple, and never by a key string built per packet. A server's thousands of peers often
 * share both ports (every sim host counts its ephemeral ports from the same first one), so no step
 * scans the others. Iterates in the order the connections were added.
 */
export class ConnectionTable {
  private readonly byPorts = new Map<number, Map<number, ByRemoteAddress>>();
  private readonly all = new Set<TcpConnection>();

  get size(): number {
    return this.all.size;
  }

  get(localAddress: string, localPort: number, remoteAddress: string, remotePort: number): TcpConnection | undefined {
    return this.byPorts.get(localPort)?.get(remotePort)?.get(remoteAddress)?.get(localAddress);
  }

  /** Adds `conn`; one already on its 4-tuple is dropped. */
  add(conn: TcpConnection): void {
    const { local, remote } = conn;
    const existing = this.get(local.address, local.port, remote.address, remote.port);
    if (existing) this.delete(existing);
    let byRemotePort = this.byPorts.get(local.port);
    if (!byRemotePort) this.byPorts.set(local.port, (byRemotePort = new Map()));
    let byRemoteAddress = byRemotePort.get(remote.port);
    if (!byRemoteAddress) byRemotePort.set(remote.port, (byRemoteAddress = new Map()));
    let byLocalAddress = byRemoteAddress.get(remote.address);
    if (!byLocalAddress) byRemoteAddress.set(remote.address, (byLocalAddress = new Map()));
    byLocalAddress.set(local.address, conn);
    this.all.add(conn);
  }

  /** Removes `conn`; false when it is not the one on its 4-tuple. */
  delete(conn: TcpConnection): boolean {
    const { local, remote } = conn;
    const byRemotePort = this.byPorts.get(local.port);
    const byRemoteAddress = byRemotePort?.get(remote.port);
    const byLocalAddress = byRemoteAddress?.get(remote.address);
    if (byLocalAddress?.get(local.address) !== conn) return false;
    byLocalAddress.delete(local.address);
    // Empty levels go, so a host that served a million short connections holds no map per peer.
    if (byLocalAddress.size === 0) byRemoteAddress!.delete(remote.address);
    if (byRemoteAddress!.size === 0) byRemotePort!.delete(remote.port);
    if (byRemotePort!.size === 0) this.byPorts.delete(local.port);
    this.all.delete(conn);
    return true;
  }

  values(): IterableIterator<TcpConnection> {
    return this.all.values();
  }

  clear(): void {
    this.byPorts.clear();
    this.all.clear();
  }
}
