import { describe, expect, it } from 'vitest';
import { importCopy } from '../../test/support/module-copy.ts';
import { outOfProcess } from './child-process.ts';

describe('outOfProcess', () => {
  it('keeps a virtual clock of another copy of flatline busy while the other process works, and lets go after', async () => {
    const theirs = await importCopy<typeof import('../clock/virtual-clock.ts')>(new URL('../clock/virtual-clock.ts', import.meta.url));
    const clock = theirs.VirtualClock.install({ substrate: 'sim' });
    try {
      let finish!: () => void;
      const waiting = outOfProcess(clock, new Promise<void>((resolve) => (finish = resolve)));
      expect(clock.io.sourcesBusy()).toBe(true); // virtual time must not run on while the process answers in real time
      finish();
      await waiting;
      expect(clock.io.sourcesBusy()).toBe(false);
    } finally {
      clock.uninstall();
    }
  });
});
