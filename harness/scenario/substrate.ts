/** What carries a world's bytes: the simulated network, or the kernel's loopback sockets. */
export type NetworkSubstrate = 'sim' | 'kernel';
export const NETWORK_SUBSTRATES: readonly [NetworkSubstrate, ...NetworkSubstrate[]] = ['sim', 'kernel'];
