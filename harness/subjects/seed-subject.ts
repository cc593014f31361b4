import type { ClientContext } from '../clients/adapter.ts';
import type { HostPort } from '../net/address.ts';
import type { ReferenceServer, ServerContext } from '../servers/server.ts';
import { backoffExpectation, registerBuiltInSubject, type SubjectPromises } from '../scenario/subjects.ts';
import type { ServerSpec } from '../scenario/scenario.ts';
import { SeedClient, type SeedDial, type SeedPolicy } from './seed-client.ts';

export interface SeedSubject {
  kind: string;
  protocol: 'tcp' | 'ws';
  description: string;
  policy: SeedPolicy;
  server(ctx: ServerContext, spec: ServerSpec & { dedupe: boolean }): ReferenceServer;
  dial(target: HostPort): SeedDial;
}

/**
 * What a seed client promises is what its article wrote: no detection bound (no reply is awaited),
 * its own reconnect schedule if it has one, and at-most-once (nothing is ever resent).
 */
function seedPromises(policy: SeedPolicy): SubjectPromises {
  return { ...(policy.backoff && { backoff: backoffExpectation(policy.backoff) }), guarantee: 'at-most-once' };
}

/** Registers a seed subject. It takes no options: the article's behaviour is the point. */
export function registerSeedSubject(subject: SeedSubject): void {
  registerBuiltInSubject({
    kind: subject.kind,
    protocol: subject.protocol,
    description: subject.description,
    promises: () => seedPromises(subject.policy),
    createServer: subject.server,
    // no options schema: it behaves as its article wrote it, and a scenario giving it options is refused
    createClient: (ctx: ClientContext, target: HostPort) => new SeedClient(ctx, subject.dial(target), subject.policy),
  });
}
