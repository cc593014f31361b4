import * as v from 'valibot';
import { count, positiveDuration, strict } from '../schema/kit.ts';
import type { ServerCapacity } from '../sim/accept-queue.ts';
import { toMs } from '../util/duration.ts';
import { FLEET_MAX } from './schema.ts';

/**
 * How fast a fleet's server takes on connections, as a scenario writes it:
 * `server: { capacity: { acceptsPerSecond: 200, handshake: '5ms', backlog: 511 } }`.
 * A herd beyond it finds SYNs dropped and connections waiting, as a real server's clients do.
 *
 * `backlog` defaults to the backlog the server listens with: the reference servers ask for
 * 4096 (harness/net/backlog.ts), node's own default is 511 (lib/net.js: `backlog || 511`). Linux
 * caps it at net.core.somaxconn, 4096 since Linux 5.4 (commit 19f92a030ca6, "net: increase
 * SOMAXCONN to 4096"), 128 before; a larger one stands for a server whose somaxconn was raised.
 */
export const capacitySchema = v.pipe(
  strict(
    {
      /** Connections in the handshake or waiting to be accepted; a SYN beyond them is dropped. */
      backlog: v.optional(count('connections', { min: 1, max: FLEET_MAX })),
      /** The most connections the server's application takes on in one second. */
      acceptsPerSecond: v.optional(count('connections a second', { min: 1, max: 1_000_000, integer: false })),
      /** The server's work on each connection before its application sees it (a TLS handshake), one at a time. */
      handshake: v.optional(positiveDuration),
    },
    "the server's capacity",
  ),
  v.check((c) => Object.keys(c).length > 0, 'give at least one of backlog, acceptsPerSecond, handshake (an empty capacity limits nothing)'),
);
export type CapacitySpec = v.InferInput<typeof capacitySchema>;

/** The sim's form of a capacity: milliseconds. */
export function toServerCapacity(spec: CapacitySpec): ServerCapacity {
  return {
    backlog: spec.backlog,
    acceptsPerSecond: spec.acceptsPerSecond,
    handshakeMs: spec.handshake === undefined ? undefined : toMs(spec.handshake, 'server.capacity.handshake'),
  };
}
