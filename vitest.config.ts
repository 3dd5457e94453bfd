import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The app's tests, and those of the workspace packages (packages/*).
    include: ['test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // Child processes, not worker threads: each test file gets its own process state and its own
    // PGlite and Prisma WASM instances.
    pool: 'forks',
    // Builds the migrated database every test file copies (see test/support/db.ts).
    globalSetup: ['test/support/global-setup.ts'],
    // An in-memory PGlite takes seconds to start.
    hookTimeout: 60_000,
    testTimeout: 30_000,
    env: { NODE_ENV: 'test' },
  },
});
