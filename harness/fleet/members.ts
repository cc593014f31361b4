import { toMs } from '../util/duration.ts';
import type { Rng } from '../util/rng.ts';
import type { FleetSpec, ShareSpec } from './schema.ts';

/** One client of a fleet. */
export interface FleetMember {
  /** Its client name: "<kind>-<index>", so the trace source is "client:tcp-17". */
  name: string;
  kind: string;
  options: Record<string, unknown>;
  index: number;
  /** How long after a fleet connect step this member makes its first connect. */
  offsetMs: number;
}

/**
 * The fleet's members in connect order. A mix is interleaved (each member goes to the kind furthest
 * below its share so far), so every kind's connects spread over the whole window and each kind
 * gets its share of the size, rounded.
 */
export function fleetMembers(spec: FleetSpec): FleetMember[] {
  const spreadMs = toMs(spec.connect?.spread ?? 0, 'fleet.connect.spread');
  const kinds = spec.mix ? Object.entries(spec.mix).map(([kind, weight]) => ({ kind, weight, options: {} })) : [{ kind: spec.subject!.kind, weight: 1, options: spec.subject!.options ?? {} }];
  const given = kinds.map(() => 0);
  return Array.from({ length: spec.size }, (_, index) => {
    let pick = 0;
    for (let k = 1; k < kinds.length; k++) {
      if (kinds[k]!.weight * (index + 1) - given[k]! > kinds[pick]!.weight * (index + 1) - given[pick]!) pick = k;
    }
    given[pick]!++;
    const { kind, options } = kinds[pick]!;
    return { name: `${kind}-${index}`, kind, options, index, offsetMs: Math.floor((spreadMs * index) / spec.size) };
  });
}

/** The subject kinds of a fleet, in the order the scenario names them. */
export function fleetKinds(spec: FleetSpec): string[] {
  return spec.mix ? Object.keys(spec.mix) : [spec.subject!.kind];
}

/**
 * Why `share` names no member of this fleet, or undefined when it names some: a kind the mix does
 * not hold, or a percentage that rounds to no client.
 */
export function shareProblem(spec: FleetSpec, share: ShareSpec): string | undefined {
  if (share.endsWith('%')) {
    return shareCount(spec.size, share) === 0 ? `${share} of ${spec.size} clients is no client; give a larger share` : undefined;
  }
  const kinds = fleetKinds(spec);
  return kinds.includes(share) ? undefined : `${JSON.stringify(share)} is neither a percentage like "10%" nor a subject kind of this fleet (${kinds.join(', ')})`;
}

function shareCount(size: number, share: string): number {
  return Math.round((Number(share.slice(0, -1)) / 100) * size);
}

/** How many members `share` names: a percentage of the fleet, or the members of a kind of its mix. */
export function shareSize(spec: FleetSpec, share: ShareSpec): number {
  return share.endsWith('%') ? shareCount(spec.size, share) : fleetMembers(spec).filter((m) => m.kind === share).length;
}

/**
 * The members `share` names. A percentage is a seeded choice made once per share and fleet: every
 * step with "10%" acts on the same tenth, and the choice is independent of connect order.
 */
export function shareMembers(members: readonly FleetMember[], share: ShareSpec | undefined, rng: Rng): FleetMember[] {
  if (share === undefined) return [...members];
  if (!share.endsWith('%')) return members.filter((m) => m.kind === share);
  const order = [...members];
  const draw = rng.fork(`share:${share}`);
  for (let i = order.length - 1; i > 0; i--) {
    const j = draw.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order.slice(0, shareCount(members.length, share)).sort((a, b) => a.index - b.index);
}
