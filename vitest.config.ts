import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file starts its own servers on port 0 with its own temp folder, so files can run in parallel.
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'server', include: ['test/unit/**/*.test.ts', 'test/http/**/*.test.ts', 'test/model/**/*.test.ts', 'test/store-pg/**/*.test.ts'] },
      },
      {
        // The dashboard's components, in a simulated DOM, with fixture data instead of a server.
        extends: true,
        test: { name: 'renderer', include: ['renderer/src/**/*.test.tsx'], environment: 'happy-dom', setupFiles: ['renderer/src/test-setup.ts'] },
      },
      {
        // The built dashboard in Debian's Chromium against real servers; skipped when /usr/bin/chromium is missing.
        extends: true,
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], globalSetup: ['test/e2e/global-setup.ts'], testTimeout: 60_000 },
      },
    ],
  },
});
