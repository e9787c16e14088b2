/**
 * Declared invalidation over HTTP: a write path the cache has never heard of — test-only functions that
 * write through the store's repositories, as a future feature would, without a word about the cache — still
 * drops what it changed: the next GET answers the new data with a new ETag (the old ETag no longer gets a
 * 304). A write rolled back leaves the cached answer in place.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../server/store/store.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

// The server opens its own store; keep a handle on it, changing nothing else.
const opened = vi.hoisted(() => ({ stores: [] as Store[] }));
vi.mock('../../server/store/store.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../server/store/store.js')>();
  return {
    ...actual,
    openConfiguredStore: async (options: Parameters<typeof actual.openConfiguredStore>[0]) => {
      const store = await actual.openConfiguredStore(options);
      opened.stores.push(store);
      return store;
    },
  };
});

/** New write paths: repository calls only, no cache, no service. */
const writePaths = {
  async retitle(store: Store, id: string, title: string): Promise<void> {
    const row = (await store.conversations.get((await store.idOwners.conversation(id))!, id))!;
    await store.conversations.update(row.seq, title, row.metadata, row.updated_at + 1);
  },
  /** Adds an item without touching the conversation (so only the items change). */
  async appendItem(store: Store, id: string, text: string): Promise<void> {
    const row = (await store.conversations.get((await store.idOwners.conversation(id))!, id))!;
    await store.transaction(async () => {
      await store.items.insert({
        id: `msg_${Date.now()}${Math.random().toString(16).slice(2, 10)}`, conversation_seq: row.seq, type: 'message',
        body: JSON.stringify({ type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text }] }),
        created_at: row.created_at,
      });
    });
  },
  /** Writes, then fails: the transaction rolls back. */
  async retitleThenFail(store: Store, id: string, title: string): Promise<void> {
    await store.transaction(async () => {
      await writePaths.retitle(store, id, title);
      throw new Error('failed after writing');
    });
  },
};

describe('response cache with a write path it was never told about', () => {
  let server: TestServer;
  let store: Store;
  beforeAll(async () => {
    server = await startTestServer();
    expect(opened.stores).toHaveLength(1);
    store = opened.stores[0]!;
  });
  afterAll(() => server.close());

  const get = (path: string, etag?: string) =>
    server.request(path, { token: TEST_ADMIN_KEY, ...(etag && { headers: { 'if-none-match': etag } }) });
  /** Reads until the answer comes from the cache (a 304 for its own ETag), and returns that ETag. */
  const cached = async (path: string): Promise<string> => {
    const first = await get(path);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect((await get(path, etag)).status).toBe(304);
    return etag;
  };

  it('a conversation retitled through the repository: the next GET of it and of the list is fresh, with a new ETag', async () => {
    const created = await server.request('/v1/conversations', { method: 'POST', token: TEST_ADMIN_KEY, body: { title: 'before' } });
    const path = `/v1/conversations/${created.json.id}`;
    const oneEtag = await cached(path);
    const listEtag = await cached('/v1/conversations?limit=100');
    const entries = server.services.responseCache.entries;

    await writePaths.retitle(store, created.json.id, 'after');

    expect(server.services.responseCache.entries).toBe(entries - 2);
    const one = await get(path, oneEtag);
    expect(one.status).toBe(200);
    expect(one.json).toEqual({ ...created.json, title: 'after', updated_at: created.json.updated_at + 1 });
    expect(one.headers.get('etag')).not.toBe(oneEtag);
    const list = await get('/v1/conversations?limit=100', listEtag);
    expect(list.status).toBe(200);
    expect(list.json.data.find((c: { id: string }) => c.id === created.json.id).title).toBe('after');
    expect(list.headers.get('etag')).not.toBe(listEtag);
  });

  it('an item added through the repository: the next GET of the items is fresh; the list keeps its entry', async () => {
    const created = await server.request('/v1/conversations', { method: 'POST', token: TEST_ADMIN_KEY, body: { title: 'items' } });
    const path = `/v1/conversations/${created.json.id}/items`;
    const itemsEtag = await cached(path);
    const listEtag = await cached('/v1/conversations?limit=100');

    await writePaths.appendItem(store, created.json.id, 'from a new write path');

    const items = await get(path, itemsEtag);
    expect(items.status).toBe(200);
    expect(items.json.data.map((i: { content: Array<{ text: string }> }) => i.content[0]!.text)).toEqual(['from a new write path']);
    expect(items.headers.get('etag')).not.toBe(itemsEtag);
    // Lists show no items, and this write path did not touch the conversation.
    expect((await get('/v1/conversations?limit=100', listEtag)).status).toBe(304);
  });

  it('a write rolled back drops nothing: the cached answer and its ETag still stand', async () => {
    const created = await server.request('/v1/conversations', { method: 'POST', token: TEST_ADMIN_KEY, body: { title: 'kept' } });
    const path = `/v1/conversations/${created.json.id}`;
    const etag = await cached(path);
    const entries = server.services.responseCache.entries;

    await expect(writePaths.retitleThenFail(store, created.json.id, 'never')).rejects.toThrow('failed after writing');

    expect(server.services.responseCache.entries).toBe(entries);
    expect((await get(path, etag)).status).toBe(304);
    expect((await get(path)).json.title).toBe('kept');
  });
});
