import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files wait mostly on databases, servers and sockets: three at a time even on 2 cores
    // (Vitest's default there is one). Measured on 2 cores: one at a time 457 s, two 307 s (an earlier day);
    // on 2026-12-06, back to back on both databases, two 448 s, three 363 s.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    // A worker runs file after file in one module graph instead of importing the app afresh for
    // each (Vitest's default), which cost 122 s of the suite's CPU on 2 cores. Measured on
    // 2026-12-07, back to back on both databases: isolated 389 s (CPU 469 s user), shared 310 s
    // (328 s). No test file stubs globals or env, mocks modules or listens on `process`; module
    // state (caches keyed by text, counters) does not depend on which app is running. Checked
    // with the files shuffled (`--sequence.shuffle.files`) and with four workers: all passed.
    isolate: false,
  },
});
