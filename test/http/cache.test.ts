/**
 * The response cache over HTTP: ETag / If-None-Match → 304, every write path drops what it changed (a stale
 * read is a bug), per-user entries, a hunt for stale reads with interleaved readers and writers, metrics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { scrape } from '../support/prometheus-scrape.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const admin = { token: TEST_ADMIN_KEY };
const ROUNDS = 15;

describe('response cache', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer(['test-model']);
  });
  afterAll(() => server.close());

  const create = async (title: string, token = TEST_ADMIN_KEY) =>
    (await server.request('/v1/conversations', { method: 'POST', token, body: { title, items: [{ type: 'message', role: 'user', content: 'hi' }] } })).json;
  /** Reads twice, so the second read comes from the cache when the route is cached. */
  const readTwice = async (path: string, token = TEST_ADMIN_KEY) => {
    await server.request(path, { token });
    return server.request(path, { token });
  };

  it('answers with a weak ETag, and 304 with no body while it matches', async () => {
    const conversation = await create('etag');
    const first = await readTwice(`/v1/conversations/${conversation.id}`);
    expect(first.status).toBe(200);
    expect(first.json).toEqual(conversation);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[\w-]{27}"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const again = await server.request(`/v1/conversations/${conversation.id}`, { ...admin, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    const listed = await server.request(`/v1/conversations/${conversation.id}`, { ...admin, headers: { 'if-none-match': `"nope", ${etag.slice(2)}` } });
    expect(listed.status).toBe(304);
    await server.request(`/v1/conversations/${conversation.id}`, { method: 'PATCH', ...admin, body: { title: 'changed' } });
    const changed = await server.request(`/v1/conversations/${conversation.id}`, { ...admin, headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.json.title).toBe('changed');
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('every write path drops what it changed', async () => {
    const conversation = await create('writes');
    const path = `/v1/conversations/${conversation.id}`;
    await readTwice('/v1/conversations?limit=100');
    await readTwice(`${path}/items`);
    const created = await create('another');
    expect((await readTwice('/v1/conversations?limit=100')).json.data.map((c: { id: string }) => c.id)).toContain(created.id);

    await server.request(path, { method: 'POST', ...admin, body: { metadata: { k: 'v' } } });
    expect((await readTwice(path)).json.metadata).toEqual({ k: 'v' });
    expect((await readTwice('/v1/conversations?limit=100')).json.data.find((c: { id: string }) => c.id === conversation.id).metadata).toEqual({ k: 'v' });

    const added = await server.request(`${path}/items`, { method: 'POST', ...admin, body: { items: [{ type: 'message', role: 'user', content: 'more' }] } });
    const items = (await readTwice(`${path}/items`)).json.data.map((i: { id: string }) => i.id);
    expect(items).toContain(added.json.data[0].id);

    await server.request(`${path}/items/${added.json.data[0].id}`, { method: 'DELETE', ...admin });
    expect((await readTwice(`${path}/items`)).json.data.map((i: { id: string }) => i.id)).not.toContain(added.json.data[0].id);

    const reply = await server.request('/v1/chat/completions', {
      method: 'POST', ...admin, body: { model: 'test-model', conversation: conversation.id, messages: [{ role: 'user', content: 'store me' }] },
    });
    expect(reply.status).toBe(200);
    const afterChat = (await readTwice(`${path}/items`)).json.data;
    expect(afterChat.length).toBe(items.length - 1 + 2);

    await server.request(path, { method: 'DELETE', ...admin });
    expect((await readTwice(path)).status).toBe(404);
    expect((await readTwice(`${path}/items`)).status).toBe(404);
    expect((await readTwice('/v1/conversations?limit=100')).json.data.map((c: { id: string }) => c.id)).not.toContain(conversation.id);
  });

  it('keeps each user to their own entries', async () => {
    const guest = await server.guestToken();
    const mine = await create('mine');
    await readTwice(`/v1/conversations/${mine.id}`);
    expect((await readTwice(`/v1/conversations/${mine.id}`, guest)).status).toBe(404);
    expect((await readTwice('/v1/conversations', guest)).json.data).toEqual([]);
  });

  it('never serves a read older than a write acknowledged before the read began (interleaved load)', async () => {
    const conversations = await Promise.all([1, 2, 3].map((n) => create(`race-0-${n}`)));
    const acked = new Map<string, { title: number; items: number }>(conversations.map((c) => [c.id, { title: 0, items: 1 }]));
    let writing = true;
    // One conversation only gets new titles, one only new items, one both: a missing invalidation on any
    // write path leaves a stale entry that the readers find.
    const writer = async (id: string, kinds: Array<'title' | 'items'>) => {
      for (let i = 1; i <= ROUNDS; i++) {
        if (kinds.includes('title')) {
          const patched = await server.request(`/v1/conversations/${id}`, { method: 'PATCH', ...admin, body: { title: `race-${i}` } });
          expect(patched.status).toBe(200);
          acked.get(id)!.title = i;
        }
        if (kinds.includes('items')) {
          const added = await server.request(`/v1/conversations/${id}/items`, { method: 'POST', ...admin, body: { items: [{ type: 'message', role: 'user', content: `m${i}` }] } });
          expect(added.status).toBe(200);
          acked.get(id)!.items = i + 1;
        }
      }
    };
    let reads = 0;
    const reader = async () => {
      while (writing) {
        for (const { id } of conversations) {
          const floor = { ...acked.get(id)! };
          const [one, items, list] = await Promise.all([
            server.request(`/v1/conversations/${id}`, admin),
            server.request(`/v1/conversations/${id}/items?limit=100`, admin),
            server.request('/v1/conversations?limit=100', admin),
          ]);
          expect(Number(one.json.title.split('-')[1])).toBeGreaterThanOrEqual(floor.title);
          expect(items.json.data.length).toBeGreaterThanOrEqual(floor.items);
          const listed = list.json.data.find((c: { id: string }) => c.id === id);
          expect(Number(listed.title.split('-')[1])).toBeGreaterThanOrEqual(floor.title);
          reads += 3;
        }
      }
    };
    const readers = [reader(), reader(), reader()];
    await Promise.all([writer(conversations[0]!.id, ['title']), writer(conversations[1]!.id, ['items']), writer(conversations[2]!.id, ['title', 'items'])]);
    writing = false;
    await Promise.all(readers);
    expect(reads).toBeGreaterThan(0);
    const final = await Promise.all(conversations.map(async ({ id }) => [
      (await server.request(`/v1/conversations/${id}`, admin)).json.title,
      (await server.request(`/v1/conversations/${id}/items?limit=100`, admin)).json.data.length,
    ]));
    expect(final).toEqual([[`race-${ROUNDS}`, 1], ['race-0-2', ROUNDS + 1], [`race-${ROUNDS}`, ROUNDS + 1]]);
    const metrics = await scrape(server.url);
    expect(metrics.value('jan_cache_lookups_total', { cache: 'http', result: 'hit' })).toBeGreaterThan(0);
    expect(metrics.value('jan_cache_invalidations_total', { cache: 'http' })).toBeGreaterThan(0);
    const ratio = metrics.value('jan_cache_hit_ratio', { cache: 'http' });
    expect(ratio).toBeGreaterThan(0);
    expect(ratio).toBeLessThan(1);
    expect(metrics.value('jan_cache_bytes', { cache: 'http' })).toBeGreaterThan(0);
  });
});

describe('response cache switched off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ responseCacheBytes: 0 });
  });
  afterAll(() => server.close());

  it('answers without ETag and never 304', async () => {
    const created = await server.request('/v1/conversations', { method: 'POST', ...admin, body: { title: 'plain' } });
    const read = await server.request(`/v1/conversations/${created.json.id}`, { ...admin, headers: { 'if-none-match': '*' } });
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBeNull();
    expect(read.json).toEqual(created.json);
  });
});
