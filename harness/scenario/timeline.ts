import { toMs, type Duration } from '../util/duration.ts';
import type { World } from './world.ts';

/**
 * Plays a timeline: steps in time order (ties in the order written), each done at its virtual time
 * with the clock standing still while it runs. One loop for single runs and fleets alike; `apply`
 * is what a step does.
 */
export async function playTimeline<S extends { at: Duration }>(world: World, timeline: readonly S[], apply: (step: S) => Promise<void> | void): Promise<void> {
  const steps = timeline.map((step, i) => ({ step, at: toMs(step.at, `timeline[${i}].at`), i })).sort((a, b) => a.at - b.at || a.i - b.i);
  for (const { step, at } of steps) {
    const now = world.elapsed();
    if (at > now) await world.idle(at - now);
    await world.act(async () => apply(step));
  }
}
