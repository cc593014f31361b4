import * as v from 'valibot';
import type { ClientAdapter } from '../clients/adapter.ts';
import { toxicInputSchema } from '../net/toxic-schema.ts';
import { count, duration, positiveDuration, strict, tagged, text, timerDelay, word } from '../schema/kit.ts';
import type { ReferenceServer } from '../servers/server.ts';
import { toMs } from '../util/duration.ts';
import { FlatlineError } from '../util/errors.ts';
import type { FaultBackend } from './faults.ts';
import type { NetworkFaults } from './network-faults.ts';
import type { World } from './world.ts';

/** The timeline's steps: each one's schema (what a scenario may write) and what it does. */
const at = duration;
const bare = <const D extends string>(name: D, what: string) => strict({ at, do: v.literal(name) }, what);
const direction = v.optional(word(['both', 'upstream', 'downstream'], 'a direction (upstream = subject to server)'));
const loss = v.pipe(v.number('must be a probability from 0 to 1 (got a non-number)'), v.check((n) => n >= 0 && n <= 1, (issue) => `must be a probability from 0 to 1 (got ${issue.received})`));

export const stepSchema = tagged(
  'do',
  [
    bare('connect', 'a connect step'),
    bare('disconnect', 'a disconnect step'),
    /** `count` messages, one every `every` (default 1s). */
    strict({ at, do: v.literal('send'), count: v.optional(count('messages', { min: 1 })), every: v.optional(positiveDuration) }, 'a send step'),
    strict({ at, do: v.literal('add-toxic'), toxic: toxicInputSchema }, 'an add-toxic step'),
    strict({ at, do: v.literal('remove-toxic'), name: text('the name of the toxic to remove') }, 'a remove-toxic step'),
    strict({ at, do: v.literal('stop-server'), mode: v.optional(word(['graceful', 'crash', 'reset'], 'a stop mode')) }, 'a stop-server step'),
    bare('start-server', 'a start-server step'),
    bare('disable-proxy', 'a disable-proxy step'),
    bare('enable-proxy', 'an enable-proxy step'),
    // Faults on the simulated network (see network-faults.ts); kernel sockets have no path to put them on.
    strict({ at, do: v.literal('partition'), direction }, 'a partition step'),
    bare('heal', 'a heal step'),
    strict(
      {
        at,
        do: v.literal('set-path'),
        direction,
        latency: v.optional(timerDelay),
        jitter: v.optional(timerDelay),
        /** Probability each packet is lost, from the world's seeded stream. */
        loss: v.optional(loss),
        /** KB/s, as Toxiproxy's bandwidth toxic; 0 is unlimited. */
        bandwidth: v.optional(count('KB/s', { min: 0 })),
      },
      'a set-path step',
    ),
    strict({ at, do: v.literal('stop-accepting'), mode: v.optional(word(['refuse', 'drop'], 'a way to turn connections away (refuse: a closed listener; drop: a full accept queue)')) }, 'a stop-accepting step'),
    bare('resume-accepting', 'a resume-accepting step'),
    bare('reset-connections', 'a reset-connections step'),
    bare('nat-flush', 'a nat-flush step'),
  ],
  'a step',
);

/** One thing the timeline does at a virtual time. */
export type Step = v.InferInput<typeof stepSchema>;

/** What the timeline acts on. */
export interface StepTargets {
  client: ClientAdapter;
  server: ReferenceServer;
  faults: FaultBackend;
  /** The proxy in front of the server. */
  proxy: string;
  /** Faults on the simulated network; absent on kernel sockets, where the runner refuses such steps first. */
  network?: NetworkFaults;
}

/** Steps that act on the simulated network's packets and hosts, not on the proxy's byte stream. */
export const NETWORK_STEPS = ['partition', 'heal', 'set-path', 'stop-accepting', 'resume-accepting', 'reset-connections', 'nat-flush'] as const;

export async function applyStep(world: World, step: Step, { client, server, faults, proxy, network }: StepTargets): Promise<void> {
  switch (step.do) {
    case 'connect':
      return client.connect();
    case 'disconnect':
      return client.disconnect();
    case 'send': {
      const every = toMs(step.every ?? '1s', 'send.every');
      for (let i = 0; i < (step.count ?? 1); i++) world.clock.setTimeout(() => client.send({ n: i }), i * every);
      return;
    }
    case 'add-toxic':
      return faults.addToxic(proxy, step.toxic);
    case 'remove-toxic':
      return faults.removeToxic(proxy, step.name);
    case 'stop-server':
      return server.stop(step.mode);
    case 'start-server':
      return server.start();
    case 'disable-proxy':
      return faults.setEnabled(proxy, false);
    case 'enable-proxy':
      return faults.setEnabled(proxy, true);
    default:
      return applyNetworkStep(step, network);
  }
}

type NetworkStep = Extract<Step, { do: (typeof NETWORK_STEPS)[number] }>;

function applyNetworkStep(step: NetworkStep, network: NetworkFaults | undefined): void {
  if (!network) throw new FlatlineError('FLATLINE_ERR_SCENARIO', `a "${step.do}" step needs the simulated network (--network sim)`);
  switch (step.do) {
    case 'partition':
      return network.partition(step.direction ?? 'both');
    case 'heal':
      return network.heal();
    case 'set-path': {
      const changes = {
        ...(step.latency !== undefined && { latencyMs: toMs(step.latency) }),
        ...(step.jitter !== undefined && { jitterMs: toMs(step.jitter) }),
        ...(step.loss !== undefined && { loss: step.loss }),
        ...(step.bandwidth !== undefined && { bandwidth: step.bandwidth }),
      };
      return network.setPath(step.direction ?? 'both', changes);
    }
    case 'stop-accepting':
      return network.stopAccepting(step.mode ?? 'refuse');
    case 'resume-accepting':
      return network.resumeAccepting();
    case 'reset-connections':
      return network.resetConnections();
    case 'nat-flush':
      return network.flushNat();
  }
}

/** What to use on kernel sockets instead, for the refusal's message. */
const KERNEL_NEAREST: Record<NetworkStep['do'], string> = {
  partition: 'the nearest toxics are blackhole or timeout, which lose bytes a healed partition would deliver',
  heal: 'remove-toxic ends a toxic',
  'set-path': 'the latency and bandwidth toxics act on the byte stream, not on packets',
  'stop-accepting': 'disable-proxy closes the live connections too',
  'resume-accepting': 'enable-proxy',
  'reset-connections': 'stop-server with mode "reset"',
  'nat-flush': 'the nat_idle toxic has no flush',
};

/** Refuses, before anything starts, a network step on kernel sockets: they have no path or host to put it on. */
export function refuseNetworkStepsOnKernel(timeline: readonly { do: string }[]): void {
  timeline.forEach((step, i) => {
    if (!(NETWORK_STEPS as readonly string[]).includes(step.do)) return;
    const s = step as NetworkStep;
    throw new FlatlineError('FLATLINE_ERR_SCENARIO', `timeline[${i}] "${s.do}" at ${JSON.stringify(s.at)} needs the simulated network, where TCP reacts to it as in reality; run with --network sim (kernel sockets have no path to put it on: ${KERNEL_NEAREST[s.do]})`);
  });
}
