import { defineConfig } from 'vitest/config';

/** Tests that load the machine on purpose (CPU-burning processes beside a run): they run last, alone. */
const ALONE = ['test/sim-determinism.test.ts'];

export default defineConfig({
  test: {
    // Network tests open real loopback sockets; two cores do not like many forks at once.
    pool: 'forks',
    maxWorkers: 2,
    // A hang guard, not a verdict (runs are judged in virtual time). Measured in fresh-clone CI runs
    // at load 24 on two cores: a test of four in-process suite runs took 85 s, one of two small
    // runs 42 s where 30 s had failed it.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    projects: [
      { extends: true, test: { name: 'flatline', include: ['harness/**/*.test.ts', 'scenarios/**/*.test.ts', 'test/**/*.test.ts'], exclude: ALONE, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'alone', include: ALONE, sequence: { groupOrder: 1 } } },
    ],
  },
});
