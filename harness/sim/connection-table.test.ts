import { describe, expect, it } from 'vitest';
import { ConnectionTable } from './connection-table.ts';
import type { TcpConnection } from './tcp/connection.ts';

const conn = (localAddress: string, localPort: number, remoteAddress: string, remotePort: number) =>
  ({ local: { address: localAddress, port: localPort }, remote: { address: remoteAddress, port: remotePort } }) as TcpConnection;

/** A table holding `connections`, added in that order. */
function tableOf(...connections: TcpConnection[]): ConnectionTable {
  const table = new ConnectionTable();
  for (const c of connections) table.add(c);
  return table;
}

describe('ConnectionTable', () => {
  it('finds a connection by its whole 4-tuple only', () => {
    const a = conn('10.0.0.1', 7000, '203.0.113.1', 32768);
    const loop = conn('127.0.0.1', 7000, '127.0.0.1', 32768);
    const table = tableOf(a, loop);
    expect(table.get('10.0.0.1', 7000, '203.0.113.1', 32768)).toBe(a);
    expect(table.get('127.0.0.1', 7000, '127.0.0.1', 32768)).toBe(loop);
    expect(table.get('10.0.0.1', 7000, '203.0.113.2', 32768)).toBeUndefined();
    expect(table.get('10.0.0.1', 7000, '203.0.113.1', 32769)).toBeUndefined();
    expect(table.get('10.0.0.1', 7001, '203.0.113.1', 32768)).toBeUndefined();
  });

  it('deletes only the connection it holds, and lists the rest in the order they were added', () => {
    const [a, b, c] = [conn('10.0.0.1', 7000, '10.0.0.2', 1), conn('10.0.0.1', 7000, '10.0.0.3', 1), conn('10.0.0.1', 7000, '10.0.0.2', 2)];
    const table = tableOf(a, b, c);
    expect(table.delete(conn('10.0.0.1', 7000, '10.0.0.2', 1))).toBe(false); // same tuple, another connection
    expect(table.delete(a)).toBe(true);
    expect(table.delete(a)).toBe(false);
    expect(table.get('10.0.0.1', 7000, '10.0.0.2', 1)).toBeUndefined();
    expect([...table.values()]).toEqual([b, c]);
    expect(table.size).toBe(2);
  });

  it("tells apart a server's peers that share both ports, and its own two addresses", () => {
    // Every sim host counts its ephemeral ports from the same first one: a fleet's connections
    // to one server share the local and the remote port, and differ by the remote address only.
    const peers = Array.from({ length: 1000 }, (_, i) => conn('10.0.0.1', 80, `10.100.${i >> 8}.${i & 255}`, 32768));
    const loop = conn('127.0.0.1', 80, '10.100.0.7', 32768);
    const table = tableOf(...peers, loop);
    expect(table.get('10.0.0.1', 80, '10.100.3.231', 32768)).toBe(peers[999]);
    expect(table.get('127.0.0.1', 80, '10.100.0.7', 32768)).toBe(loop);
    expect(table.delete(peers[7]!)).toBe(true);
    expect(table.get('10.0.0.1', 80, '10.100.0.7', 32768)).toBeUndefined();
    expect(table.get('127.0.0.1', 80, '10.100.0.7', 32768)).toBe(loop);
    expect(table.size).toBe(1000);
  });

  it('holds a peer on both of its own addresses apart, and each alone again once the other goes', () => {
    const own = conn('10.0.0.1', 80, '10.0.0.9', 40000);
    const loop = conn('127.0.0.1', 80, '10.0.0.9', 40000);
    const table = tableOf(own, loop);
    expect(table.delete(own)).toBe(true);
    expect(table.get('10.0.0.1', 80, '10.0.0.9', 40000)).toBeUndefined();
    expect(table.get('127.0.0.1', 80, '10.0.0.9', 40000)).toBe(loop);
    table.add(own);
    expect(table.delete(loop)).toBe(true);
    expect(table.delete(loop)).toBe(false);
    expect(table.get('10.0.0.1', 80, '10.0.0.9', 40000)).toBe(own);
    expect(table.delete(own)).toBe(true);
    expect(table.size).toBe(0);
    expect(table.get('10.0.0.1', 80, '10.0.0.9', 40000)).toBeUndefined();
  });

  it('lets a new connection take a 4-tuple over (a SYN that ends a TIME_WAIT)', () => {
    const old = conn('10.0.0.1', 7000, '10.0.0.2', 1);
    const fresh = conn('10.0.0.1', 7000, '10.0.0.2', 1);
    const table = tableOf(old, fresh);
    expect(table.get('10.0.0.1', 7000, '10.0.0.2', 1)).toBe(fresh);
    expect([...table.values()]).toEqual([fresh]);
  });
});
