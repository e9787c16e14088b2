/**
 * The data API endpoints that the guide sets targets for, plus GET /v1/projects and GET /healthz (no guide
 * target: /healthz is the framework floor, a public route whose handler does nothing). Ids are picked at
 * random from the seeded data; each DELETE removes a different seeded item.
 */
import type { NextRequest, Scenario } from '../lib/load-driver.js';
import type { SeededData, SeededItem } from '../lib/seed.js';

export interface DataApiSuite {
  scenarios: Scenario[];
  /** How many seeded items the DELETE scenario has used up (it answers 404 once all are gone). */
  deletedItems(): number;
}

function pick<T>(values: readonly T[]): T {
  return values[Math.floor(Math.random() * values.length)]!;
}

/** The seeded items in random order (Fisher–Yates), so deletes spread over all conversations. */
function shuffled(items: readonly SeededItem[]): SeededItem[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function dataApiSuite(seed: SeededData): DataApiSuite {
  const conversation = () => `/v1/conversations/${pick(seed.conversationIds)}`;
  const toDelete = shuffled(seed.items);
  let deleted = 0;
  let counter = 0;
  const nextDelete = (): NextRequest => {
    // Past the end, ids repeat and answer 404: visible as errors, never silently skipped.
    const item = toDelete[deleted++ % toDelete.length]!;
    return { path: `/v1/conversations/${item.conversationId}/items/${item.itemId}` };
  };
  const scenarios: Scenario[] = [
    { name: 'GET /v1/health', method: 'GET', route: '/v1/health', next: '/v1/health' },
    { name: 'GET /v1/conversations?limit=20', method: 'GET', route: '/v1/conversations', next: '/v1/conversations?limit=20' },
    {
      name: 'POST /v1/conversations', method: 'POST', route: '/v1/conversations',
      next: () => ({ path: '/v1/conversations', body: JSON.stringify({ title: `Load test ${++counter}`, metadata: { source: 'bench' } }) }),
    },
    { name: 'GET /v1/conversations/{id}', method: 'GET', route: '/v1/conversations/:id', next: () => ({ path: conversation() }) },
    {
      name: 'PATCH /v1/conversations/{id}', method: 'PATCH', route: '/v1/conversations/:id',
      next: () => ({ path: conversation(), body: JSON.stringify({ title: `Renamed ${++counter}` }) }),
    },
    { name: 'GET /v1/conversations/{id}/items', method: 'GET', route: '/v1/conversations/:id/items', next: () => ({ path: `${conversation()}/items` }) },
    {
      name: 'POST /v1/conversations/{id}/items', method: 'POST', route: '/v1/conversations/:id/items',
      next: () => ({
        path: `${conversation()}/items`,
        body: JSON.stringify({ items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `Question number ${++counter}: how fast is this?` }] }] }),
      }),
    },
    { name: 'DELETE /v1/conversations/{id}/items/{item_id}', method: 'DELETE', route: '/v1/conversations/:id/items/:item_id', next: nextDelete },
    { name: 'GET /v1/projects', method: 'GET', route: '/v1/projects', next: '/v1/projects' },
    { name: 'GET /healthz', method: 'GET', route: '/healthz', next: '/healthz' },
  ];
  return { scenarios, deletedItems: () => deleted };
}
