import { afterEach, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../clock/virtual-clock.ts';
import { importCopy } from '../../test/support/module-copy.ts';
import { outOfProcess } from './child-process.ts';

let clock: VirtualClock | undefined;
afterEach(() => {
  clock?.uninstall();
  clock = undefined;
});

describe('outOfProcess', () => {
  it("keeps a virtual clock of another copy of flatline busy while the other process works, and lets go after", async () => {
    const theirs = await importCopy<typeof import('../clock/virtual-clock.ts')>(new URL('../clock/virtual-clock.ts', import.meta.url));
    const c = (clock = theirs.VirtualClock.install({ substrate: 'sim' }));
    let finish!: () => void;
    const waiting = outOfProcess(c, new Promise<void>((resolve) => (finish = resolve)));
    expect(c.io.sourcesBusy()).toBe(true); // virtual time must not run on while the process answers in real time
    finish();
    await waiting;
    expect(c.io.sourcesBusy()).toBe(false);
  });
});
