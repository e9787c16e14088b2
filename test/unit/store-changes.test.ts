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

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'jan-changes-'));
  store = openStore({ file: join(dir, 'jan.sqlite') });
  for (const id of ['u1', 'u2']) store.users.insert({ id, name: id, role: 'member', created_at: 0 });
  seen = [];
  store.changes.subscribe((change) => seen.push(change));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const conversation = (id: string, userId = 'u1'): Omit<ConversationRow, 'seq'> => ({
  id, user_id: userId, project_id: null, title: null, metadata: '{}', referrer: null, created_at: 1, updated_at: 1,
});
const item = (id: string, conversationSeq: number) => ({ id, conversation_seq: conversationSeq, type: 'message', body: '{}', created_at: 1 });
const conv = (userId: string, id: string): StoreChange => ({ entity: 'conversation', userId, id });
const items = (userId: string, conversationId: string): StoreChange => ({ entity: 'conversation-items', userId, conversationId });
/** Returns what `write` announced, and forgets it. */
const announced = (write: () => unknown): StoreChange[] => {
  seen = [];
  write();
  const changes = seen;
  seen = [];
  return changes;
};

describe('store change feed', () => {
  it('conversation writes announce the conversation, by owner and id, also when the repo knows it by seq only', () => {
    let seq = 0;
    expect(announced(() => (seq = store.conversations.insert(conversation('conv_a'))))).toEqual([conv('u1', 'conv_a')]);
    expect(announced(() => store.conversations.update(seq, 't', '{}', 2))).toEqual([conv('u1', 'conv_a')]);
    expect(announced(() => store.conversations.touch(seq, 3))).toEqual([conv('u1', 'conv_a')]);
    expect(announced(() => store.conversations.delete('u2', 'conv_a'))).toEqual([]); // someone else's id: nothing changed
    expect(announced(() => store.conversations.delete('u1', 'conv_a'))).toEqual([conv('u1', 'conv_a')]);
    expect(announced(() => store.conversations.update(seq, 't', '{}', 4))).toEqual([]); // gone: nothing changed
    expect(announced(() => store.conversations.touch(seq, 4))).toEqual([]);
  });

  it('item writes announce the items of their conversation', () => {
    const seq = store.conversations.insert(conversation('conv_b', 'u2'));
    expect(announced(() => store.items.insert(item('msg_1', seq)))).toEqual([items('u2', 'conv_b')]);
    expect(announced(() => store.items.delete(seq, 'msg_x'))).toEqual([]);
    expect(announced(() => store.items.delete(seq, 'msg_1'))).toEqual([items('u2', 'conv_b')]);
  });

  it('project writes announce the project', () => {
    const row = { id: 'proj_a', user_id: 'u1', name: 'p', instruction: null, is_favorite: 0, archived_at: null, created_at: 1, updated_at: 1 };
    const project: StoreChange = { entity: 'project', userId: 'u1', id: 'proj_a' };
    expect(announced(() => store.projects.insert(row))).toEqual([project]);
    expect(announced(() => store.projects.update('u1', 'proj_a', { name: 'q', updated_at: 2 }))).toEqual([project]);
    expect(announced(() => store.projects.update('u2', 'proj_a', { name: 'q', updated_at: 2 }))).toEqual([]);
    expect(announced(() => store.projects.softDelete('u1', 'proj_a', 3))).toEqual([project]);
    expect(announced(() => store.projects.softDelete('u1', 'proj_a', 3))).toEqual([]);
  });

  it('archiving, restoring and forgetting announce the conversation; archive file bookkeeping announces nothing', () => {
    const row = conversation('conv_c');
    const seq = store.conversations.insert(row);
    const archived = { ...row, file_id: 0, byte_offset: 0, byte_length: 10, items: 0, archived_at: 5 };
    expect(announced(() => store.transaction(() => {
      const fileId = store.archive.createFile('f.jsonl.gz', 5);
      store.archive.moveOut({ ...archived, file_id: fileId }, seq);
    }))).toEqual([conv('u1', 'conv_c')]);
    expect(announced(() => store.transaction(() => {
      store.archive.remove('u1', 'conv_c');
      store.archive.insertRestored(row, 6);
    }))).toEqual([conv('u1', 'conv_c')]); // one announcement per transaction and conversation
    expect(announced(() => store.archive.remove('u1', 'conv_c'))).toEqual([]);
  });

  it('publishes a transaction\'s changes once, de-duplicated, after it commits', () => {
    const during: number[] = [];
    const changes = announced(() => store.transaction(() => {
      const a = store.conversations.insert(conversation('conv_d'));
      for (let i = 0; i < 5; i++) store.items.insert(item(`msg_d${i}`, a));
      store.conversations.touch(a, 2);
      store.conversations.insert(conversation('conv_e', 'u2'));
      during.push(seen.length);
    }));
    expect(during).toEqual([0]);
    expect(changes).toEqual([conv('u1', 'conv_d'), items('u1', 'conv_d'), conv('u2', 'conv_e')]);
  });

  it('a rolled-back transaction publishes nothing, and a rolled-back savepoint only drops its own changes', () => {
    const seq = store.conversations.insert(conversation('conv_f'));
    expect(announced(() => expect(() => store.transaction(() => {
      store.conversations.touch(seq, 9);
      store.items.insert(item('msg_f', seq));
      throw new Error('abort');
    })).toThrow('abort'))).toEqual([]);
    expect(store.conversations.get('u1', 'conv_f')?.updated_at).toBe(1);

    const changes = announced(() => store.transaction(() => {
      store.items.insert(item('msg_g', seq));
      try {
        store.transaction(() => {
          store.conversations.insert(conversation('conv_g', 'u2'));
          throw new Error('inner');
        });
      } catch {
        // the savepoint is rolled back; the outer transaction goes on
      }
    }));
    expect(changes).toEqual([items('u1', 'conv_f')]);
    expect(store.conversations.get('u2', 'conv_g')).toBeUndefined();
  });

  it('every listener hears every change even when one throws; the writer gets the first error, after the commit', () => {
    const feed = new ChangeFeed();
    const heard: string[] = [];
    feed.subscribe(() => {
      throw new Error('listener failed');
    });
    const unsubscribe = feed.subscribe((change) => heard.push(change.entity));
    expect(() => feed.transaction(() => {
      feed.announce(conv('u1', 'a'));
      feed.announce(items('u1', 'a'));
    })).toThrow('listener failed');
    expect(heard).toEqual(['conversation', 'conversation-items']);
    unsubscribe();
    expect(() => feed.announce(conv('u1', 'b'))).toThrow('listener failed');
    expect(heard).toHaveLength(2);
  });
});

describe('response cache tags of a change', () => {
  it('a conversation drops its own responses and the user\'s lists; its items only its own; a project nothing cached', () => {
    expect(tagsChangedBy(conv('u1', 'c'))).toEqual([cacheTags.conversationList('u1'), cacheTags.conversation('u1', 'c')]);
    expect(tagsChangedBy(items('u1', 'c'))).toEqual([cacheTags.conversation('u1', 'c')]);
    expect(tagsChangedBy({ entity: 'project', userId: 'u1', id: 'p' })).toEqual([]);
  });
});
