/**
 * The response cache over the asynchronous store: a cached route's read and a write can now interleave. The
 * fill path is the real one (http/cached-routes.ts `serveCached` over the conversations service, the SQLite
 * store and its change feed); only the Koa context is a small stand-in.
 *
 * - A read that began before a write committed must not store its answer after the write's invalidation.
 * - A read that arrives while a transaction is open waits for it (the SQLite gate), so it can never cache rows
 *   the transaction wrote and then rolled back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { invalidateOnStoreChanges, ResponseCache } from '../../server/cache/index.js';
import { ConversationsService } from '../../server/conversations/index.js';
import { CACHED_ROUTES, serveCached } from '../../server/http/cached-routes.js';
import { openStore, type Store } from '../../server/store/store.js';

const ROUTE = CACHED_ROUTES.get('GET /v1/conversations/:id')!;

let dir: string;
let store: Store;
let cache: ResponseCache;
let conversations: ConversationsService;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jan-cache-async-'));
  store = openStore({ file: join(dir, 'jan.sqlite') });
  await store.users.insert({ id: 'u1', name: 'u1', role: 'member', created_at: 0 });
  cache = new ResponseCache({ maxBytes: 1 << 20 });
  invalidateOnStoreChanges(cache, store.changes);
  conversations = new ConversationsService(store);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The parts of a Koa context serveCached uses; `body` is what it answered. */
function context(id: string) {
  const headers: Record<string, string> = {};
  return {
    path: `/v1/conversations/${id}`,
    querystring: '',
    params: { id },
    status: 0,
    type: '',
    body: undefined as unknown,
    set: (name: string, value: string) => (headers[name.toLowerCase()] = value),
    get: (name: string) => headers[`request:${name.toLowerCase()}`] ?? '',
    req: { headers: {} as Record<string, string> },
    res: { setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value) },
  };
}

/**
 * GET /v1/conversations/:id through the cache. `during` runs after the handler's read has started, and the
 * handler returns once both are done: the write commits (and announces) between the fill's begin and its end.
 */
async function getConversation(id: string, during?: () => Promise<unknown>): Promise<{ title: string | null }> {
  const ctx = context(id);
  await serveCached(ctx as never, cache, ROUTE, 'u1', async () => {
    const read = conversations.get('u1', id);
    await during?.();
    return read;
  });
  return JSON.parse(ctx.body as string) as { title: string | null };
}

describe('response cache on the asynchronous store', () => {
  it('a read that began before a write commits answers, but its answer is not kept after the invalidation', async () => {
    const { id } = await conversations.create('u1', { title: 'before' });
    const answered = await getConversation(id, () => conversations.update('u1', id, { title: 'after' }));
    expect(answered.title).toBe('before'); // the read ran first…
    expect(cache.entries).toBe(0); // …and its answer, stale once the write committed, was refused
    expect((await getConversation(id)).title).toBe('after');
    expect(cache.entries).toBe(1); // a read that began after the write is kept
    expect((await getConversation(id)).title).toBe('after');
  });

  it('a read during an open transaction waits for it: rolled-back rows are never answered or cached', async () => {
    const { id } = await conversations.create('u1', { title: 'kept' });
    const row = (await store.conversations.get('u1', id))!;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = store.transaction(async () => {
      await store.conversations.update(row.seq, 'never', row.metadata, row.updated_at + 1);
      await held; // the transaction stays open while the read arrives
      throw new Error('rolled back');
    });
    const read = getConversation(id);
    release();
    await expect(transaction).rejects.toThrow('rolled back');
    expect((await read).title).toBe('kept');
    expect(cache.entries).toBe(1); // nothing was announced, and what was cached is the committed row
    expect((await getConversation(id)).title).toBe('kept');
  });

  it('a write committed in a transaction while a read waited drops nothing it should keep and keeps nothing stale', async () => {
    const { id } = await conversations.create('u1', { title: 'old' });
    const row = (await store.conversations.get('u1', id))!;
    const transaction = store.transaction(async () => {
      await store.conversations.update(row.seq, 'new', row.metadata, row.updated_at + 1);
    });
    const read = getConversation(id);
    await transaction;
    expect((await read).title).toBe('new'); // it waited for the commit
    expect((await getConversation(id)).title).toBe('new');
  });
});
