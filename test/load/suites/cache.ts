/**
 * Scenarios for the response-cache benchmark (test/load/cache-bench.ts): the hot reads the cache serves,
 * over a hot set of seeded conversations, and a mixed one where writers keep invalidating what readers read.
 */
import type { Scenario } from '../lib/load-driver.js';
import type { SeededData } from '../lib/seed.js';

export interface CacheScenario {
  name: string;
  reads: Scenario;
  /** Runs beside the reads with its own connections (invalidating writes). */
  writes?: Scenario;
}

function pick<T>(values: readonly T[]): T {
  return values[Math.floor(Math.random() * values.length)]!;
}

export function cacheScenarios(seed: SeededData, hotSet: number): CacheScenario[] {
  const hot = seed.conversationIds.slice(-hotSet);
  let counter = 0;
  return [
    {
      name: 'GET /v1/conversations?limit=20',
      reads: { name: 'list', method: 'GET', route: '/v1/conversations', next: '/v1/conversations?limit=20' },
    },
    {
      name: `GET /v1/conversations/{id} (${hot.length} ids)`,
      reads: { name: 'get', method: 'GET', route: '/v1/conversations/:id', next: () => ({ path: `/v1/conversations/${pick(hot)}` }) },
    },
    {
      name: `GET /v1/conversations/{id}/items (${hot.length} ids)`,
      reads: { name: 'items', method: 'GET', route: '/v1/conversations/:id/items', next: () => ({ path: `/v1/conversations/${pick(hot)}/items` }) },
    },
    {
      // Not cached (see server/http/cached-routes.ts): measured to show what caching could buy.
      name: 'GET /v1/models (3 files; not cached)',
      reads: { name: 'models', method: 'GET', route: '/v1/models', next: '/v1/models' },
    },
    {
      name: `items reads + 10% writers (${Math.min(hot.length, 200)} ids)`,
      reads: { name: 'items', method: 'GET', route: '/v1/conversations/:id/items', next: () => ({ path: `/v1/conversations/${pick(hot.slice(0, 200))}/items` }) },
      writes: {
        name: 'add item', method: 'POST', route: '/v1/conversations/:id/items',
        next: () => ({
          path: `/v1/conversations/${pick(hot.slice(0, 200))}/items`,
          body: JSON.stringify({ items: [{ type: 'message', role: 'user', content: `write ${++counter}` }] }),
        }),
      },
    },
  ];
}
