import * as v from 'valibot';
import type { ClientAdapter } from '../clients/adapter.ts';
import { toxicInputSchema } from '../net/toxic-schema.ts';
import { count, duration, positiveDuration, strict, tagged, text, word } from '../schema/kit.ts';
import type { ReferenceServer } from '../servers/server.ts';
import { toMs } from '../util/duration.ts';
import type { FaultBackend } from './faults.ts';
import type { World } from './world.ts';

/** The timeline's steps: each one's schema (what a scenario may write) and what it does. */
const at = duration;
const bare = <const D extends string>(name: D, what: string) => strict({ at, do: v.literal(name) }, what);

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
}

export async function applyStep(world: World, step: Step, { client, server, faults, proxy }: StepTargets): Promise<void> {
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
  }
}
