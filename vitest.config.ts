import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The app's tests, and those of the local packages (packages/*).
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // Child processes, not worker threads: each worker has its own process state and its own PGlite
    // and Prisma WASM instances.
    pool: 'forks',
    // A worker runs its test files one after another in the same process, so the app's modules, the
    // Prisma client and the embedded PGlite are loaded once per worker rather than once per file
    // (most of the suite's time otherwise). Files still share nothing they do not hand back: each
    // gets a clean database (test/support/db.ts), its own app, simulator and nock set-up.
    isolate: false,
    // Vitest's default is one worker less than the CPUs, which is a single worker on a 2-core
    // machine; much of the suite waits on HTTP and timers, so two workers there keep both cores busy.
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    // Builds the migrated database every test file starts from (see test/support/db.ts).
    globalSetup: ['test/support/global-setup.ts'],
    // An in-memory PGlite takes seconds to start.
    hookTimeout: 60_000,
    testTimeout: 30_000,
    env: { NODE_ENV: 'test' },
  },
});
