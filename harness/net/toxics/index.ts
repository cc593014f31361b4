import type { ToxicType } from '../toxic.ts';
import { bandwidth } from './bandwidth.ts';
import { blackhole } from './blackhole.ts';
import { halfOpen } from './half-open.ts';
import { latency } from './latency.ts';
import { limitData } from './limit-data.ts';
import { natIdle } from './nat-idle.ts';
import { resetPeer } from './reset-peer.ts';
import { slicer } from './slicer.ts';
import { slowClose } from './slow-close.ts';
import { timeout } from './timeout.ts';

/** Every toxic type by its API name: Toxiproxy's seven, then flatline's own. */
export const toxicTypes: ReadonlyMap<string, ToxicType<any>> = new Map(
  [latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData, natIdle, halfOpen, blackhole].map((t) => [t.type, t]),
);

export { bandwidth, blackhole, halfOpen, latency, limitData, natIdle, resetPeer, slicer, slowClose, timeout };
