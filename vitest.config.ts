import { defineConfig } from 'vitest/config';

// Integration tests start real servers (Temporal dev server, the Atlas simulator), so they
// get generous timeouts and run with limited parallelism on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 2,
    globalSetup: ['test/global-setup.ts'],
  },
});
