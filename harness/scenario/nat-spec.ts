import * as v from 'valibot';
import { findProfile, NAT_IDLE_AS_CONNTRACK, NAT_PROFILES, toNatConfig, toNatIdleAttributes, type NatProfile } from '../nat/profiles.ts';
import type { NatIdleAttributes } from '../net/toxics/nat-idle.ts';
import { flag, strict, timerDuration, word } from '../schema/kit.ts';
import type { NatConfig } from '../sim/nat.ts';
import { toMs } from '../util/duration.ts';

/**
 * A scenario's NAT (`network.nat`): a profile id, or attributes. On the simulated network it is a
 * NAT middlebox with conntrack semantics in front of the subject (harness/sim/nat.ts); on kernel
 * sockets the nat_idle toxic at the proxy plays it. Attributes speak either language: nat_idle's
 * (`refresh` both | upstream | downstream, `on_expiry` drop | reset | reset_both), which both
 * substrates understand, or the operator's conntrack settings (`loose`, `port`, `filter`,
 * `reset_inside`, `refresh: outbound`), which only the simulated NAT has.
 */
const profileId = word(NAT_PROFILES.map((p) => p.id) as [string, ...string[]], 'a NAT profile (see `flatline nat`)');

export const natAttributesSchema = strict(
  {
    /** A profile to start from; then only its timeout may be changed. */
    profile: v.optional(profileId),
    /** The established-connection idle timeout. */
    timeout: v.optional(timerDuration),
    refresh: v.optional(word(['both', 'upstream', 'downstream', 'outbound'], 'a refresh direction')),
    on_expiry: v.optional(word(['drop', 'reset', 'reset_both'], 'an expiry action')),
    loose: v.optional(flag('pick up a connection mid-stream (nf_conntrack_tcp_loose)')),
    port: v.optional(word(['preserve', 'random'], 'a port policy')),
    filter: v.optional(flag('drop INVALID and unsolicited packets (ct state invalid drop)')),
    reset_inside: v.optional(flag('the NAT answers the inside host with RST for a forgotten connection')),
  },
  'a NAT',
);

export const natSpecSchema = v.lazy((input) => (typeof input === 'string' ? profileId : natAttributesSchema));
export type NatSpec = v.InferInput<typeof natSpecSchema>;
type NatAttributes = v.InferInput<typeof natAttributesSchema>;

/** The conntrack settings only the simulated NAT has. */
const CONNTRACK_FIELDS = ['loose', 'port', 'filter', 'reset_inside'] as const;

/** A problem with `network.nat`: the field and what is wrong, for the scenario's error. */
export class NatSpecProblem extends Error {}

const problem = (field: string, what: string) => new NatSpecProblem(`network.nat${field ? `.${field}` : ''}: ${what}`);

/** The NAT the simulated network puts in front of the subject. Throws a NatSpecProblem for contradictory settings. */
export function natConfigFor(spec: NatSpec): NatConfig {
  if (typeof spec === 'string') return toNatConfig(findProfile(spec));
  const base = baseProfile(spec);
  if (base) return toNatConfig(base, spec.timeout === undefined ? base.idleTimeoutMs : toMs(spec.timeout));
  const timeoutMs = requiredTimeout(spec);
  if (spec.refresh === 'downstream') throw problem('refresh', '"downstream" (only the server\'s packets refresh) has no conntrack equivalent: a NAT counts the inside host\'s packets, or every packet; use "both" or "outbound"');
  const refresh = spec.refresh === 'upstream' || spec.refresh === 'outbound' ? 'outbound' : 'both';
  const conntrack = conntrackFields(spec);
  // In nat_idle's words alone (`{ timeout: '5m' }`), the NAT means the same on both substrates: a silent drop unless said otherwise.
  if (conntrack.length === 0) return { timeoutMs, refresh, ...NAT_IDLE_AS_CONNTRACK[spec.on_expiry ?? 'drop'] };
  const loose = spec.loose ?? !spec.reset_inside;
  const resetInside = spec.reset_inside ?? false;
  // Conntrack settings given: Linux's defaults for the rest (loose pickup, the port kept, no filter).
  return { timeoutMs, refresh, loose, resetInside, port: spec.port ?? 'preserve', filter: spec.filter ?? false };
}

/** The nat_idle toxic that plays the NAT on kernel sockets. Throws a NatSpecProblem for settings it cannot play. */
export function natIdleFor(spec: NatSpec): NatIdleAttributes {
  if (typeof spec === 'string') return toNatIdleAttributes(findProfile(spec));
  const base = baseProfile(spec);
  if (base) return toNatIdleAttributes({ ...base, idleTimeoutMs: spec.timeout === undefined ? base.idleTimeoutMs : toMs(spec.timeout) });
  const conntrack = CONNTRACK_FIELDS.find((f) => spec[f] !== undefined);
  if (conntrack) throw problem(conntrack, 'is a conntrack setting only the simulated NAT has; on kernel sockets the nat_idle toxic plays the NAT (timeout, refresh, on_expiry): run with --network sim');
  return { timeout: requiredTimeout(spec), refresh: spec.refresh === 'outbound' ? 'upstream' : (spec.refresh ?? 'both'), on_expiry: spec.on_expiry ?? 'drop' };
}

/** Checks what is wrong with a NAT spec whichever substrate runs it: a missing timeout, settings that contradict each other or the profile. */
export function checkNatSpec(spec: NatSpec): void {
  if (typeof spec === 'string' || baseProfile(spec)) return;
  requiredTimeout(spec);
  conntrackFields(spec);
}

/** The conntrack settings given, checked against each other and against nat_idle's words. */
function conntrackFields(spec: NatAttributes): (typeof CONNTRACK_FIELDS)[number][] {
  const given = CONNTRACK_FIELDS.filter((f) => spec[f] !== undefined);
  if (spec.on_expiry !== undefined && given.length > 0) {
    throw problem('on_expiry', `is nat_idle's word for what ${given.join(', ')} say${given.length === 1 ? 's' : ''}; give one or the other`);
  }
  if (spec.reset_inside && spec.loose) throw problem('reset_inside', 'contradicts loose (a loose NAT picks the inside host\'s packet up instead of resetting it); set loose: false');
  return given;
}

function baseProfile(spec: NatAttributes): NatProfile | undefined {
  if (spec.profile === undefined) return undefined;
  const fixed = (Object.keys(spec) as (keyof NatAttributes)[]).find((k) => k !== 'profile' && k !== 'timeout' && spec[k] !== undefined);
  if (fixed) throw problem(fixed, `profile "${spec.profile}" fixes this (see its sources in \`flatline nat\`); only its timeout may be changed; to model another NAT, leave out profile`);
  return findProfile(spec.profile);
}

function requiredTimeout(spec: NatAttributes): number {
  if (spec.timeout === undefined) throw problem('timeout', 'is required (the idle timeout, like "5m"), unless a profile gives it');
  return toMs(spec.timeout);
}
