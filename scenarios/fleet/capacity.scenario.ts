import { defineMatrix, type FleetScenario } from '../../harness/scenario/scenario.ts';
import { referenceStorm } from './reference.scenario.ts';

/**
 * A server sized for its steady state, not for a herd: its application takes on 100 connections a
 * second, and it listens with a backlog of 128, Linux's somaxconn before 5.4 (see
 * harness/fleet/capacity.ts), beyond which a SYN is dropped and the client retries on its SYN timer.
 */
export const SMALL_SERVER = { acceptsPerSecond: 100, backlog: 128 } as const;

export const CAPACITY_JITTERS = ['none', 'full'] as const;

/**
 * The suite's restart storm for the reference client against that server, without jitter and with
 * full jitter. A horizon of 6m: without jitter the last member is back 3m30s after the crash at 2m.
 */
export const capacityStorm = (jitter: (typeof CAPACITY_JITTERS)[number], size?: number): FleetScenario => {
  const storm = referenceStorm(jitter, size);
  return {
    ...storm,
    name: 'restart storm against a server of 100 accepts/s and a backlog of 128: the reference tcp client',
    server: { capacity: SMALL_SERVER },
    horizon: '6m',
    ...(jitter === 'none' && {
      finding:
        'without jitter all 1,000 SYNs arrive in the instant 62 s after the crash: 128 fit the backlog, the rest are dropped and sent again ' +
        'on the SYN timer, and 545 connects time out (the client gives a connect 10 s) and wait for the next step of the backoff: 99 % are back ' +
        'after 3m30s, where full jitter has them back after 1m27s with no connect timed out',
    }),
  };
};

export default defineMatrix({ jitter: CAPACITY_JITTERS }, ({ jitter }) => capacityStorm(jitter));
