import type { TcpConnection } from './tcp/connection.ts';

/**
 * A host's connections by 4-tuple. Every arriving segment is looked up here, so by numbers first
 * (local port, then remote port) and the two addresses last, never by a key string built per
 * packet. Iterates in the order the connections were added.
 */
export class ConnectionTable {
  private readonly byPorts = new Map<number, Map<number, TcpConnection[]>>();
  private readonly all = new Set<TcpConnection>();

  get size(): number {
    return this.all.size;
  }

  get(localAddress: string, localPort: number, remoteAddress: string, remotePort: number): TcpConnection | undefined {
    const sharing = this.byPorts.get(localPort)?.get(remotePort);
    if (!sharing) return undefined;
    for (const conn of sharing) if (conn.local.address === localAddress && conn.remote.address === remoteAddress) return conn;
    return undefined;
  }

  /** Adds `conn`; one already on its 4-tuple is dropped. */
  add(conn: TcpConnection): void {
    const { local, remote } = conn;
    const existing = this.get(local.address, local.port, remote.address, remote.port);
    if (existing) this.delete(existing);
    let byRemotePort = this.byPorts.get(local.port);
    if (!byRemotePort) this.byPorts.set(local.port, (byRemotePort = new Map()));
    const sharing = byRemotePort.get(remote.port);
    if (sharing) sharing.push(conn);
    else byRemotePort.set(remote.port, [conn]);
    this.all.add(conn);
  }

  /** Removes `conn`; false when it is not the one on its 4-tuple. */
  delete(conn: TcpConnection): boolean {
    const byRemotePort = this.byPorts.get(conn.local.port);
    const sharing = byRemotePort?.get(conn.remote.port);
    const i = sharing ? sharing.indexOf(conn) : -1;
    if (i < 0) return false;
    sharing!.splice(i, 1);
    if (sharing!.length === 0) byRemotePort!.delete(conn.remote.port);
    if (byRemotePort!.size === 0) this.byPorts.delete(conn.local.port);
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
