import { ClientEvents } from '../../harness/clients/adapter.ts';
import { VirtualClock } from '../../harness/clock/virtual-clock.ts';
import { Trace } from '../../harness/trace/trace.ts';
import { Rng } from '../../harness/util/rng.ts';

/** A virtual clock, a trace and the ClientEvents of client "c" on it; uninstall() when done. */
export function fakeContext() {
  const clock = VirtualClock.install();
  const trace = new Trace(clock);
  const events = new ClientEvents({ name: 'c', clock, trace: trace.sink, rng: new Rng(1) });
  /** The trace as "type" or "type:detail" strings, for short assertions. */
  const seen = () => trace.events.map(({ t, source, type, ...detail }) => [type, ...Object.values(detail)].join(':'));
  return { clock, trace, events, seen };
}
