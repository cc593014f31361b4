import { VirtualClock } from '../clock/virtual-clock.ts';
import type { TraceSink } from '../trace/trace.ts';
import { Rng } from '../util/rng.ts';
import { Interposer } from './interpose.ts';
import { SimNetwork } from './network.ts';

/** A virtual clock with a simulated network interposed under node's net module, for tests. */
export interface SimFixture {
  clock: VirtualClock;
  network: SimNetwork;
  interposer: Interposer;
  close(): void;
}

export function simFixture(seed = 1, trace?: TraceSink): SimFixture {
  const clock = VirtualClock.install({ substrate: 'sim' });
  const network = new SimNetwork({ clock, rng: new Rng(seed), trace });
  const interposer = Interposer.install(network);
  return {
    clock,
    network,
    interposer,
    close() {
      interposer.uninstall();
      network.close();
      clock.uninstall();
    },
  };
}
