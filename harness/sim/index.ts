/** The simulated network: hosts, paths and TCP in virtual time, under node's own net module. */
export { SimNetwork, DEFAULT_HOST_ADDRESS } from './network.ts';
export type { SimNetworkOptions } from './network.ts';
export { Host } from './host.ts';
export { Path, type PathConditions } from './path.ts';
export { Nat, checkNatConfig, type NatConfig } from './nat.ts';
export type { SimNode } from './node.ts';
export { SimSocket } from './socket.ts';
export { Interposer } from './interpose.ts';
export type { Segment } from './segment.ts';
export type { TcpState } from './tcp/connection.ts';
