import net from 'node:net';
import type { Clock } from '../clock/clock.ts';
import { isVirtualClock } from '../clock/virtual-clock.ts';
import type { TraceSink } from '../trace/trace.ts';
import { FlatlineError } from '../util/errors.ts';
import type { Rng } from '../util/rng.ts';
import { Host, isLoopback } from './host.ts';
import { HostContext } from './host-context.ts';
import { Nat, type NatConfig, type NatOptions } from './nat.ts';
import type { SimNode } from './node.ts';
import { Path } from './path.ts';
import type { Segment } from './segment.ts';

export interface SimNetworkOptions {
  clock: Clock;
  rng: Rng;
  /** Where middleboxes report what they do (NAT mappings created, expired, resets sent). */
  trace?: TraceSink;
}

export interface HostOptions {
  /** The NAT this host sits behind: everything it sends outside goes through it. */
  behind?: Nat;
  /**
   * Where its ephemeral ports start (default the range's first, 32768). Linux starts each
   * connect's search at an offset hashed from the addresses (__inet_hash_connect(),
   * net/ipv4/inet_hashtables.c), so hosts behind one NAT seldom pick the same port; a fleet gives
   * each member a seeded start to the same effect.
   */
  firstPort?: number;
}

/** The address of the host every party lives on unless it says otherwise. */
export const DEFAULT_HOST_ADDRESS = '10.0.0.1';

/**
 * A small internet in one process: hosts and NATs by address and name, and a path for each
 * direction between two nodes (a host's loopback is a path too). A host behind a NAT sends
 * everything bound outside through it, and nothing outside can reach the host's private address.
 * A segment for an address nobody has is lost; a connect to one fails as Linux's does when the
 * router answers "host unreachable".
 */
export class SimNetwork {
  readonly clock: Clock;
  /** What the network's own events run on: the virtual clock's agenda where there is one. */
  readonly timers: Clock;
  private readonly rng: Rng;
  private readonly trace: TraceSink | undefined;
  private readonly nodes = new Map<string, SimNode>();
  private readonly names = new Map<string, SimNode>();
  private readonly natOf = new Map<Host, Nat>();
  /** By sender, then receiver: looked up for every packet, so by object, never by a string built for it. */
  private readonly paths = new Map<SimNode, Map<SimNode, Path>>();
  /** Where code that names no host of its own lives: the world's servers, proxies and API. */
  readonly defaultHost: Host;
  private readonly hosts: HostContext<Host>;

  constructor(options: SimNetworkOptions) {
    this.clock = options.clock;
    this.timers = isVirtualClock(options.clock) ? options.clock.simTimers : options.clock;
    this.rng = options.rng;
    this.trace = options.trace;
    this.hosts = new HostContext(this.clock, this.timers);
    this.defaultHost = this.addHost('local', DEFAULT_HOST_ADDRESS);
  }

  addHost(name: string, address: string, options: HostOptions = {}): Host {
    this.claim(name, address, 'host');
    const host: Host = new Host(name, address, this.hosts.clockOf(() => host), (from, seg) => this.forward(from, seg), options.firstPort);
    this.register(host);
    if (options.behind) this.natOf.set(host, options.behind);
    return host;
  }

  /** A NAT with its public address; put hosts behind it with addHost(…, { behind }). */
  addNat(name: string, publicAddress: string, config: NatConfig, options: NatOptions = {}): Nat {
    this.claim(name, publicAddress, 'NAT');
    const nat = new Nat(name, publicAddress, config, this, this.rng.fork(`nat:${name}`), this.trace, options);
    this.register(nat);
    return nat;
  }

  /**
   * Runs `fn` on `host`: the sockets it opens (now, or later from its timers, callbacks and
   * promises) leave from `host`, and the servers it starts on a wildcard address listen there.
   */
  onHost<T>(host: Host, fn: () => T): T {
    return this.hosts.within(host, fn);
  }

  /**
   * The host the running code lives on: the one `onHost()` named, else the default host. The host
   * store is the process's (sim/host-context.ts): a host of a world closed before this one, named
   * by a callback it left behind, is not ours.
   */
  get currentHost(): Host {
    const host = this.hosts.current;
    return host && this.names.get(host.name) === host ? host : this.defaultHost;
  }

  /** The world is done with the network: stop carrying hosts through async context. */
  close(): void {
    this.hosts.dispose();
  }

  host(nameOrAddress: string): Host | undefined {
    const node = this.names.get(nameOrAddress) ?? this.nodes.get(nameOrAddress);
    return node instanceof Host ? node : undefined;
  }

  /** A host name or address as the sim knows it: "localhost" and loopbacks stay as they are. */
  resolve(hostname: string): string | undefined {
    if (isLoopback(hostname)) return hostname === 'localhost' ? '127.0.0.1' : hostname.replace(/^::ffff:/, '');
    if (net.isIP(hostname)) return hostname.replace(/^::ffff:/, '');
    return this.names.get(hostname)?.address;
  }

  /** True when a packet from `from` to `address` has somewhere to go. */
  reachable(address: string, from: Host): boolean {
    return isLoopback(address) || this.nextHop(from, address) !== undefined;
  }

  /** The path packets take from one node to another (created clear on first use). */
  path(from: SimNode, to: SimNode): Path {
    let fromPaths = this.paths.get(from);
    if (!fromPaths) this.paths.set(from, (fromPaths = new Map()));
    let path = fromPaths.get(to);
    if (!path) {
      const arrive = to instanceof Host ? (seg: Segment) => this.hosts.enter(to, () => to.receive(seg)) : (seg: Segment) => to.receive(seg);
      path = new Path(`${from.name}>${to.name}`, this.timers, this.rng.fork(`path:${from.address}>${to.address}`), arrive);
      fromPaths.set(to, path);
    }
    return path;
  }

  /** Sends `seg` one hop on from `from`: through the sender's NAT, or straight to its destination. */
  forward(from: SimNode, seg: Segment): void {
    const to = isLoopback(seg.dst) ? from : this.nextHop(from, seg.dst);
    if (to) this.path(from, to).send(seg);
  }

  private nextHop(from: SimNode, address: string): SimNode | undefined {
    const target = this.nodes.get(address);
    const targetNat = target instanceof Host ? this.natOf.get(target) : undefined;
    const fromNat = from instanceof Host ? this.natOf.get(from) : undefined;
    if (fromNat && targetNat !== fromNat) return fromNat;
    // A private address is reachable only from behind its own NAT, or from that NAT.
    if (targetNat && targetNat !== fromNat && targetNat !== from) return undefined;
    return target;
  }

  private claim(name: string, address: string, what: string): void {
    if (net.isIP(address) !== 4 || isLoopback(address)) {
      throw new FlatlineError('FLATLINE_ERR_CONFIG', `sim ${what} "${name}": address "${address}" is not a routable IPv4 address; give each its own, like 10.0.0.2`);
    }
    if (this.nodes.has(address)) throw new FlatlineError('FLATLINE_ERR_CONFIG', `sim ${what} "${name}": address ${address} is already "${this.nodes.get(address)!.name}"'s`);
    if (this.names.has(name)) throw new FlatlineError('FLATLINE_ERR_CONFIG', `sim ${what} "${name}" exists already`);
  }

  private register(node: SimNode): void {
    this.nodes.set(node.address, node);
    this.names.set(node.name, node);
  }
}
