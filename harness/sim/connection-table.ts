import type { TcpConnection } from './tcp/connection.ts';

/**
 * The connections of one local port, remote port and remote address: the one connection, as a
 * host almost always holds, or a map by local address when it holds that triple on more than one
 * of its addresses (its own and a loopback one).
 */
type OnLocalAddress = TcpConnection | Map<string, TcpConnection>;

/** Both ports in one number: a port is 16 bits, as in the TCP header. */
const portsKey = (localPort: number, remotePort: number) => localPort * 0x10000 + remotePort;

/**
 * A host's connections by 4-tuple. Every arriving segment is looked up here, so by each part of
 * the tuple in turn (both ports as one number, the remote address, the local address), as a kernel
 * hashes the whole tuple, and never by a key string built per packet. A server's thousands of peers
 * often share both ports (every sim host counts its ephemeral ports from the same first one), so no
 * step scans the others. A map per level and per peer would cost a fleet of 100,000 members 300,000
 * maps; one connection is held as itself. Iterates in the order the connections were added.
 */
export class ConnectionTable {
  private readonly byPorts = new Map<number, Map<string, OnLocalAddress>>();
  private readonly all = new Set<TcpConnection>();

  get size(): number {
    return this.all.size;
  }

  get(localAddress: string, localPort: number, remoteAddress: string, remotePort: number): TcpConnection | undefined {
    const held = this.byPorts.get(portsKey(localPort, remotePort))?.get(remoteAddress);
    if (held instanceof Map) return held.get(localAddress);
    return held?.local.address === localAddress ? held : undefined;
  }

  /** Adds `conn`; one already on its 4-tuple is dropped. */
  add(conn: TcpConnection): void {
    const { local, remote } = conn;
    const existing = this.get(local.address, local.port, remote.address, remote.port);
    if (existing) this.delete(existing);
    const key = portsKey(local.port, remote.port);
    let byRemoteAddress = this.byPorts.get(key);
    if (!byRemoteAddress) this.byPorts.set(key, (byRemoteAddress = new Map()));
    const held = byRemoteAddress.get(remote.address);
    if (held === undefined) byRemoteAddress.set(remote.address, conn);
    else if (held instanceof Map) held.set(local.address, conn);
    else byRemoteAddress.set(remote.address, new Map([[held.local.address, held], [local.address, conn]]));
    this.all.add(conn);
  }

  /** Removes `conn`; false when it is not the one on its 4-tuple. */
  delete(conn: TcpConnection): boolean {
    const { local, remote } = conn;
    const key = portsKey(local.port, remote.port);
    const byRemoteAddress = this.byPorts.get(key);
    const held = byRemoteAddress?.get(remote.address);
    if (held === conn) {
      byRemoteAddress!.delete(remote.address);
    } else if (held instanceof Map && held.get(local.address) === conn) {
      held.delete(local.address);
      if (held.size === 1) byRemoteAddress!.set(remote.address, held.values().next().value!);
    } else {
      return false;
    }
    // Empty levels go, so a host that served a million short connections holds nothing per peer.
    if (byRemoteAddress!.size === 0) this.byPorts.delete(key);
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
