/**
 * The store's change feed over a real SQLite store: every repository write that changed something announces
 * it (and a write that changed nothing does not); inside `Store.transaction` the changes are published once,
 * de-duplicated, after the commit, and a transaction or savepoint that rolls back publishes nothing of what
 * it wrote; the response cache's mapping from changes to tags.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheTags, tagsChangedBy } from '../../server/cache/index.js';
import type { ConversationRow } from '../../server/store/conversations-repo.js';
import { ChangeFeed, type StoreChange } from '../../server/store/store-changes.js';
import { openStore, type Store } from '../../server/store/store.js';

let dir: string;
let store: Store;
let seen: StoreChange[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jan-changes-'));
  store = openStore({ file: join(dir, 'jan.sqlite') });
  for (const id of ['u1', 'u2']) await store.users.insert({ id, name: id, role: 'member', created_at: 0 });
  seen = [];
  store.changes.subscribe((change) => seen.push(change));
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const conversation = (id: string, userId = 'u1'): Omit<ConversationRow, 'seq'> => ({
  id, user_id: userId, project_id: null, title: null, metadata: '{}', referrer: null, created_at: 1, updated_at: 1,
});
const item = (id: string, conversationSeq: number) => ({ id, conversation_seq: conversationSeq, type: 'message', body: '{}', created_at: 1 });
const conv = (userId: string, id: string): StoreChange => ({ entity: 'conversation', userId, id });
const items = (userId: string, conversationId: string): StoreChange => ({ entity: 'conversation-items', userId, conversationId });
/** Returns what `write` announced, and forgets it. */
const announced = async (write: () => Promise<unknown>): Promise<StoreChange[]> => {
  seen = [];
  await write();
  const changes = seen;
  seen = [];
  return changes;
};

describe('store change feed', () => {
  it('conversation writes announce the conversation, by owner and id, also when the repo knows it by seq only', async () => {
    let seq = 0;
    expect(await announced(async () => (seq = await store.conversations.insert(conversation('conv_a'))))).toEqual([conv('u1', 'conv_a')]);
    expect(await announced(() => store.conversations.update(seq, 't', '{}', 2))).toEqual([conv('u1', 'conv_a')]);
    expect(await announced(() => store.conversations.touch(seq, 3))).toEqual([conv('u1', 'conv_a')]);
    expect(await announced(() => store.conversations.delete('u2', 'conv_a'))).toEqual([]); // someone else's id: nothing changed
    expect(await announced(() => store.conversations.delete('u1', 'conv_a'))).toEqual([conv('u1', 'conv_a')]);
    expect(await announced(() => store.conversations.update(seq, 't', '{}', 4))).toEqual([]); // gone: nothing changed
    expect(await announced(() => store.conversations.touch(seq, 4))).toEqual([]);
  });

  it('item writes announce the items of their conversation', async () => {
    const seq = await store.conversations.insert(conversation('conv_b', 'u2'));
    expect(await announced(() => store.items.insert(item('msg_1', seq)))).toEqual([items('u2', 'conv_b')]);
    expect(await announced(() => store.items.delete(seq, 'msg_x'))).toEqual([]);
    expect(await announced(() => store.items.delete(seq, 'msg_1'))).toEqual([items('u2', 'conv_b')]);
  });

  it('project writes announce the project', async () => {
    const row = { id: 'proj_a', user_id: 'u1', name: 'p', instruction: null, is_favorite: 0, archived_at: null, created_at: 1, updated_at: 1 };
    const project: StoreChange = { entity: 'project', userId: 'u1', id: 'proj_a' };
    expect(await announced(() => store.projects.insert(row))).toEqual([project]);
    expect(await announced(() => store.projects.update('u1', 'proj_a', { name: 'q', updated_at: 2 }))).toEqual([project]);
    expect(await announced(() => store.projects.update('u2', 'proj_a', { name: 'q', updated_at: 2 }))).toEqual([]);
    expect(await announced(() => store.projects.softDelete('u1', 'proj_a', 3))).toEqual([project]);
    expect(await announced(() => store.projects.softDelete('u1', 'proj_a', 3))).toEqual([]);
  });

  it('archiving, restoring and forgetting announce the conversation; archive file bookkeeping announces nothing', async () => {
    const row = conversation('conv_c');
    const seq = await store.conversations.insert(row);
    const archived = { ...row, file_id: 0, byte_offset: 0, byte_length: 10, items: 0, archived_at: 5 };
    expect(await announced(() => store.transaction(async () => {
      const fileId = await store.archive.createFile('f.jsonl.gz', 5);
      await store.archive.moveOut({ ...archived, file_id: fileId }, seq);
    }))).toEqual([conv('u1', 'conv_c')]);
    expect(await announced(() => store.transaction(async () => {
      await store.archive.remove('u1', 'conv_c');
      await store.archive.insertRestored(row, 6);
    }))).toEqual([conv('u1', 'conv_c')]); // one announcement per transaction and conversation
    expect(await announced(() => store.archive.remove('u1', 'conv_c'))).toEqual([]);
  });

  it('publishes a transaction\'s changes once, de-duplicated, after it commits', async () => {
    const during: number[] = [];
    const changes = await announced(() => store.transaction(async () => {
      const a = await store.conversations.insert(conversation('conv_d'));
      for (let i = 0; i < 5; i++) await store.items.insert(item(`msg_d${i}`, a));
      await store.conversations.touch(a, 2);
      await store.conversations.insert(conversation('conv_e', 'u2'));
      during.push(seen.length);
    }));
    expect(during).toEqual([0]);
    expect(changes).toEqual([conv('u1', 'conv_d'), items('u1', 'conv_d'), conv('u2', 'conv_e')]);
  });

  it('a rolled-back transaction publishes nothing, and a rolled-back savepoint only drops its own changes', async () => {
    const seq = await store.conversations.insert(conversation('conv_f'));
    expect(await announced(() => expect(store.transaction(async () => {
      await store.conversations.touch(seq, 9);
      await store.items.insert(item('msg_f', seq));
      throw new Error('abort');
    })).rejects.toThrow('abort'))).toEqual([]);
    expect((await store.conversations.get('u1', 'conv_f'))?.updated_at).toBe(1);

    const changes = await announced(() => store.transaction(async () => {
      await store.items.insert(item('msg_g', seq));
      try {
        await store.transaction(async () => {
          await store.conversations.insert(conversation('conv_g', 'u2'));
          throw new Error('inner');
        });
      } catch {
        // the savepoint is rolled back; the outer transaction goes on
      }
    }));
    expect(changes).toEqual([items('u1', 'conv_f')]);
    expect(await store.conversations.get('u2', 'conv_g')).toBeUndefined();
  });

  it('every listener hears every change even when one throws; the writer gets the first error, after the commit', async () => {
    const feed = new ChangeFeed();
    const heard: string[] = [];
    feed.subscribe(() => {
      throw new Error('listener failed');
    });
    const unsubscribe = feed.subscribe((change) => heard.push(change.entity));
    await expect(feed.transaction(async () => {
      feed.announce(conv('u1', 'a'));
      feed.announce(items('u1', 'a'));
    })).rejects.toThrow('listener failed');
    expect(heard).toEqual(['conversation', 'conversation-items']);
    unsubscribe();
    expect(() => feed.announce(conv('u1', 'b'))).toThrow('listener failed');
    expect(heard).toHaveLength(2);
  });
});

describe('SQLite transactions across awaits', () => {
  it('a call from outside an open transaction waits for it, so it is neither inside it nor rolled back with it', async () => {
    const seq = await store.conversations.insert(conversation('conv_h'));
    let release!: () => void;
    const paused = new Promise<void>((resolve) => (release = resolve));
    const order: string[] = [];
    const transaction = store.transaction(async () => {
      await store.conversations.touch(seq, 7);
      order.push('tx wrote');
      await paused; // other requests run here
      throw new Error('roll back');
    });
    // Outside the transaction: must not run until it has ended, and must survive its rollback.
    const outside = store.items.insert(item('msg_h', seq)).then(() => order.push('outside wrote'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['tx wrote']);
    release();
    await expect(transaction).rejects.toThrow('roll back');
    await outside;
    expect(order).toEqual(['tx wrote', 'outside wrote']);
    expect((await store.conversations.get('u1', 'conv_h'))?.updated_at).toBe(1);
    expect((await store.items.list(seq, { order: 'asc', limit: 10 })).rows.map((row) => row.id)).toEqual(['msg_h']);
  });

  it('transactions run one at a time, each seeing its own writes', async () => {
    const seq = await store.conversations.insert(conversation('conv_i'));
    const results = await Promise.all([1, 2, 3].map((n) => store.transaction(async () => {
      await store.items.insert(item(`msg_i${n}`, seq));
      await new Promise((resolve) => setImmediate(resolve));
      return (await store.items.list(seq, { order: 'asc', limit: 10 })).rows.length;
    })));
    expect(results).toEqual([1, 2, 3]);
  });
});

describe('response cache tags of a change', () => {
  it('a conversation drops its own responses and the user\'s lists; its items only its own; a project nothing cached', async () => {
    expect(tagsChangedBy(conv('u1', 'c'))).toEqual([cacheTags.conversationList('u1'), cacheTags.conversation('u1', 'c')]);
    expect(tagsChangedBy(items('u1', 'c'))).toEqual([cacheTags.conversation('u1', 'c')]);
    expect(tagsChangedBy({ entity: 'project', userId: 'u1', id: 'p' })).toEqual([]);
  });
});
