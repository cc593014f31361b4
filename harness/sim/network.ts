import net from 'node:net';
import type { Clock } from '../clock/clock.ts';
import { FlatlineError } from '../util/errors.ts';
import type { Rng } from '../util/rng.ts';
import { Host, isLoopback } from './host.ts';
import { Path } from './path.ts';
import type { Segment } from './segment.ts';

export interface SimNetworkOptions {
  clock: Clock;
  rng: Rng;
}

/** The address of the host every party lives on unless it says otherwise. */
export const DEFAULT_HOST_ADDRESS = '10.0.0.1';

/**
 * A small internet in one process: hosts by address and name, and a path for each direction
 * between two hosts (a host's loopback is a path too). Segments are routed by destination
 * address; a segment for an address no host has is lost, and a connect to one fails the way
 * Linux's does when the router answers "host unreachable".
 */
export class SimNetwork {
  readonly clock: Clock;
  private readonly rng: Rng;
  private readonly hosts = new Map<string, Host>();
  private readonly names = new Map<string, Host>();
  private readonly paths = new Map<string, Path>();
  readonly defaultHost: Host;

  constructor(options: SimNetworkOptions) {
    this.clock = options.clock;
    this.rng = options.rng;
    this.defaultHost = this.addHost('local', DEFAULT_HOST_ADDRESS);
  }

  addHost(name: string, address: string): Host {
    if (net.isIP(address) !== 4 || isLoopback(address)) {
      throw new FlatlineError('FLATLINE_ERR_CONFIG', `sim host "${name}": address "${address}" is not a routable IPv4 address; give each host its own, like 10.0.0.2`);
    }
    if (this.hosts.has(address)) throw new FlatlineError('FLATLINE_ERR_CONFIG', `sim host "${name}": address ${address} is already host "${this.hosts.get(address)!.name}"'s`);
    if (this.names.has(name)) throw new FlatlineError('FLATLINE_ERR_CONFIG', `sim host "${name}" exists already`);
    const host = new Host(name, address, this.clock, (from, seg) => this.route(from, seg));
    this.hosts.set(address, host);
    this.names.set(name, host);
    return host;
  }

  host(nameOrAddress: string): Host | undefined {
    return this.names.get(nameOrAddress) ?? this.hosts.get(nameOrAddress);
  }

  /** A host name or address as the sim knows it: "localhost" and loopbacks stay as they are. */
  resolve(hostname: string): string | undefined {
    if (isLoopback(hostname)) return hostname === 'localhost' ? '127.0.0.1' : hostname.replace(/^::ffff:/, '');
    if (net.isIP(hostname)) return hostname.replace(/^::ffff:/, '');
    return this.names.get(hostname)?.address;
  }

  /** The host that owns `address` as seen from `from` (loopback addresses are `from` itself). */
  hostAt(address: string, from: Host): Host | undefined {
    return isLoopback(address) ? from : this.hosts.get(address);
  }

  /** The path packets take from one host to another (created clear on first use). */
  path(from: Host, to: Host): Path {
    const key = `${from.address}>${to.address}`;
    let path = this.paths.get(key);
    if (!path) {
      path = new Path(`${from.name}>${to.name}`, this.clock, this.rng.fork(`path:${key}`), (seg) => to.receive(seg));
      this.paths.set(key, path);
    }
    return path;
  }

  private route(from: Host, seg: Segment): void {
    const to = this.hostAt(seg.dst, from);
    if (to) this.path(from, to).send(seg);
  }
}
