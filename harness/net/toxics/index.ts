import { FlatlineError } from '../../util/errors.ts';
import type { ToxicType } from '../toxic.ts';
import { bandwidth } from './bandwidth.ts';
import { blackhole } from './blackhole.ts';
import { halfOpen } from './half-open.ts';
import { latency } from './latency.ts';
import { limitData } from './limit-data.ts';
import { natIdle } from './nat-idle.ts';
import { noop } from './noop.ts';
import { resetPeer } from './reset-peer.ts';
import { slicer } from './slicer.ts';
import { slowClose } from './slow-close.ts';
import { timeout } from './timeout.ts';

/** A toxic type of any attributes and state, as the registry holds it. */
export type AnyToxicType = ToxicType<any, any>;

const registry = new Map<string, AnyToxicType>();

/** Every toxic type by its API name: Toxiproxy's, then flatline's own, then any registered from outside. */
export const toxicTypes: ReadonlyMap<string, AnyToxicType> = registry;

/**
 * Adds a toxic type, like Toxiproxy's toxics.Register: the API, scenarios' proxies and
 * `flatline toxiproxy` then accept it by its `type`. A name already taken is refused.
 */
export function registerToxic<A, S>(type: ToxicType<A, S>): void {
  if (typeof type?.type !== 'string' || !/^[a-z][a-z0-9_]*$/.test(type.type)) {
    throw new FlatlineError('FLATLINE_ERR_TOXIC_TYPE', `registerToxic: the type must be a lower-case name like "packet_loss" (got ${JSON.stringify(type?.type ?? null)})`);
  }
  if (typeof type.attach !== 'function' || typeof type.attributes !== 'object' || type.attributes === null) {
    throw new FlatlineError('FLATLINE_ERR_TOXIC_TYPE', `registerToxic: toxic "${type.type}" needs attributes (an object, {} for none) and attach()`);
  }
  if (registry.has(type.type)) {
    throw new FlatlineError('FLATLINE_ERR_TOXIC_TYPE', `registerToxic: a toxic type "${type.type}" is already registered`);
  }
  registry.set(type.type, type as AnyToxicType);
}

for (const type of [latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData, noop, natIdle, halfOpen, blackhole] as AnyToxicType[]) registerToxic(type);

export { bandwidth, blackhole, halfOpen, latency, limitData, natIdle, noop, resetPeer, slicer, slowClose, timeout };
