import { defineConfig } from 'vitest/config';
import { postgresAvailable } from './test/cluster/postgres-server.js';

/** HTTP test files about the SQLite file itself (its backups, corruption, restore, crash durability): not run on PostgreSQL. */
const sqliteOnly = ['test/http/disk-full.test.ts', 'test/http/corrupt-database.test.ts'];
const withPostgres = postgresAvailable();
if (!withPostgres) console.warn('PostgreSQL not found (Debian package postgresql): the HTTP suite runs on SQLite only.');

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Each file starts its own servers on port 0 with its own temp folder, so files can run in parallel.
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'server', include: ['test/unit/**/*.test.ts', 'test/http/**/*.test.ts', 'test/model/**/*.test.ts', 'test/store-pg/**/*.test.ts', 'test/deploy/**/*.test.ts'] },
      },
      // The same HTTP suite on PostgreSQL (JAN_DATABASE_URL), one fresh database per test server.
      ...(withPostgres ? [{
        extends: true as const,
        test: {
          name: 'server-pg',
          include: ['test/http/**/*.test.ts'],
          exclude: sqliteOnly,
          env: { JAN_TEST_ENGINE: 'postgres' },
          globalSetup: ['test/cluster/postgres-global-setup.ts'],
        },
      }] : []),
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
