import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the cluster test alone (real PostgreSQL, Redis, haproxy and three server processes),
 * kept out of `npm test` because it needs those Debian packages and takes a few minutes; CI runs both.
 */
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    globalSetup: ['test/cluster/global-setup.ts'],
  },
});
