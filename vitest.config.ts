import { defineConfig } from 'vitest/config';

/** Tests that load the machine on purpose (CPU-burning processes beside a run): they run last, alone. */
const ALONE = ['test/sim-determinism.test.ts'];

export default defineConfig({
  test: {
    // Network tests open real loopback sockets; two cores do not like many forks at once.
    pool: 'forks',
    maxWorkers: 2,
    // A hang guard, not a verdict (runs are judged in virtual time): under load 20 on two cores an
    // in-process run of a few scenarios took 45 s of real time, so 30 s failed good tests there.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'flatline', include: ['harness/**/*.test.ts', 'scenarios/**/*.test.ts', 'test/**/*.test.ts'], exclude: ALONE, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: ALONE, sequence: { groupOrder: 1 } } },
    ],
  },
});
