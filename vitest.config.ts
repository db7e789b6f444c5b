import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    setupFiles: ['test/helpers/fuzz-seed.ts'],
    hookTimeout: 30_000,
    // How long expect.poll waits for an outcome before failing (not a timing assertion): a save's message
    // can take over a second on a loaded 2-core machine, and the default of 1 s made such waits fail.
    expect: { poll: { timeout: 5_000 } },
  },
});
