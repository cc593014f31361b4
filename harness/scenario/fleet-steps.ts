import * as v from 'valibot';
import type { ClientAdapter } from '../clients/adapter.ts';
import { shareMembers, type FleetMember } from '../fleet/members.ts';
import { shareSchema } from '../fleet/schema.ts';
import { count, duration, positiveDuration, strict, tagged, timerDelay, timerDuration, word } from '../schema/kit.ts';
import { FlatlineError } from '../util/errors.ts';
import type { ReferenceServer } from '../servers/server.ts';
import { toMs } from '../util/duration.ts';
import type { Rng } from '../util/rng.ts';
import type { FleetDoors } from './fleet-doors.ts';
import type { World } from './world.ts';

/**
 * A fleet's timeline: client steps that act on the whole fleet or on a `share` of it ("10%", or a
 * subject kind of the mix), and fleet events on its servers.
 */
const at = duration;
const share = v.optional(shareSchema);

export const fleetStepSchema = tagged(
  'do',
  [
    /** Each member connects its own offset after `at` (the fleet's connect.spread). */
    strict({ at, do: v.literal('connect'), share }, 'a fleet connect step'),
    strict({ at, do: v.literal('disconnect'), share }, 'a fleet disconnect step'),
    /** Every member of the share sends `count` messages, one every `every` (default 1s). */
    strict({ at, do: v.literal('send'), count: v.optional(count('messages', { min: 1 })), every: v.optional(positiveDuration), share }, 'a fleet send step'),
    /** Every server of the fleet goes down: crash (FIN, no goodbye), graceful (goodbye, then FIN) or reset (RST). */
    strict({ at, do: v.literal('stop-server'), mode: v.optional(word(['graceful', 'crash', 'reset'], 'a stop mode')) }, 'a stop-server step'),
    strict({ at, do: v.literal('start-server') }, 'a start-server step'),
    /**
     * The address the fleet dials moves to a hot standby (a load balancer's or VRRP's failover):
     * the standby knows none of the connections, so each member learns of it from the RST its next
     * packet meets, and reconnects to the standby (simulated network only). `gap`: the standby takes
     * the address over only that long after the primary died; until then nothing answers at it.
     */
    strict({ at, do: v.literal('failover'), gap: v.optional(timerDelay) }, 'a failover step'),
    /** Every server says goodbye to its connections one by one over `over`, and keeps accepting. */
    strict({ at, do: v.literal('drain-server'), over: timerDuration }, 'a drain-server step'),
    /** The share's paths to and from the servers go silent both ways (simulated network only), until a heal step. */
    strict({ at, do: v.literal('partition'), share }, 'a partition step'),
    strict({ at, do: v.literal('heal'), share }, 'a heal step'),
    /** Every NAT of the fleet forgets every mapping at once (a carrier NAT's reboot, `conntrack -F`). */
    strict({ at, do: v.literal('nat-flush') }, 'a nat-flush step'),
    /** The servers kill the share's connections at once (simulated network only): an RST to each member, ECONNABORTED at the server. */
    strict({ at, do: v.literal('reset-connections'), share }, 'a reset-connections step'),
    /** Every server stops accepting (simulated network only): refuse, a closed listener (ECONNREFUSED); drop, a full accept queue. Live connections go on. */
    strict({ at, do: v.literal('stop-accepting'), mode: v.optional(word(['refuse', 'drop'], 'a way to turn connections away (refuse: a closed listener; drop: a full accept queue)')) }, 'a stop-accepting step'),
    strict({ at, do: v.literal('resume-accepting') }, 'a resume-accepting step'),
  ],
  'a fleet step',
);
export type FleetStep = v.InferInput<typeof fleetStepSchema>;

export interface FleetTargets {
  members: readonly FleetMember[];
  clients: ReadonlyMap<string, ClientAdapter>;
  servers: readonly ReferenceServer[];
  /** Where a percentage share's seeded choice of members comes from. */
  rng: Rng;
  /** Cuts (or restores) a member's paths to and from the servers. */
  partition(member: FleetMember, down: boolean): void;
  /** Every NAT the members stand behind forgets its mappings. */
  flushNats(): void;
  /** The servers' address moves to a standby with no state, `gapMs` after the primary died. */
  failover(gapMs: number): Promise<void>;
  /** The servers' doors on the simulated network (absent on kernel sockets, where the runner refuses their steps first). */
  doors?: FleetDoors;
}

export async function applyFleetStep(world: World, step: FleetStep, targets: FleetTargets): Promise<void> {
  const chosen = (share: string | undefined) => shareMembers(targets.members, share, targets.rng).map((m) => ({ member: m, client: targets.clients.get(m.name)! }));
  switch (step.do) {
    case 'connect':
      for (const { member, client } of chosen(step.share)) {
        if (member.offsetMs === 0) client.connect();
        else world.clock.setTimeout(() => client.connect(), member.offsetMs);
      }
      return;
    case 'disconnect':
      await Promise.all(chosen(step.share).map(({ client }) => client.disconnect()));
      return;
    case 'send': {
      const every = toMs(step.every ?? '1s', 'send.every');
      for (const { client } of chosen(step.share)) {
        for (let i = 0; i < (step.count ?? 1); i++) world.clock.setTimeout(() => client.send({ n: i }), i * every);
      }
      return;
    }
    case 'stop-server':
      await Promise.all(targets.servers.map((s) => s.stop(step.mode)));
      return;
    case 'start-server':
      await Promise.all(targets.servers.map((s) => s.start()));
      return;
    case 'drain-server':
      for (const server of targets.servers) {
        if (!server.drain) throw new FlatlineError('FLATLINE_ERR_SCENARIO', `drain-server: the ${server.protocol} server "${server.name}" cannot close its connections one at a time; use stop-server with mode "graceful"`);
        server.drain(toMs(step.over, 'drain-server.over'));
      }
      return;
    case 'partition':
    case 'heal':
      for (const { member } of chosen(step.share)) targets.partition(member, step.do === 'partition');
      return;
    case 'nat-flush':
      return targets.flushNats();
    case 'failover':
      return targets.failover(toMs(step.gap ?? 0, 'failover.gap'));
    default:
      return doorStep(world, step, targets.doors, (share) => chosen(share).map(({ member }) => member));
  }
}

type DoorStep = Extract<FleetStep, { do: 'reset-connections' | 'stop-accepting' | 'resume-accepting' }>;

function doorStep(world: World, step: DoorStep, doors: FleetDoors | undefined, members: (share: string) => FleetMember[]): void {
  if (!doors) throw new FlatlineError('FLATLINE_ERR_SCENARIO', `a ${step.do} step acts on the servers' host of the simulated network; this fleet runs on kernel sockets (drop network.substrate "kernel" or --network kernel)`);
  const trace = (type: string, detail: Record<string, unknown>) => world.trace.sink('fleet', type, detail);
  switch (step.do) {
    case 'reset-connections':
      return trace('server.connections.reset', { count: doors.resetConnections(step.share === undefined ? undefined : members(step.share)), ...(step.share !== undefined && { share: step.share }) });
    case 'stop-accepting':
      doors.stopAccepting(step.mode ?? 'refuse');
      return trace('server.accepting.stopped', { mode: step.mode ?? 'refuse' });
    case 'resume-accepting':
      doors.resumeAccepting();
      return trace('server.accepting.resumed', {});
  }
}
