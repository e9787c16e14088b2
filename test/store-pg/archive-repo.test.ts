/**
 * archive on both engines, same scenarios: candidates in least-recently-changed order (a conversation restored
 * after the cut-off stays), moving out only an unchanged conversation (its items go with it), the archived
 * list's (created_at, id) keyset with ids compared bytewise, archive files with their live members and bytes,
 * and the announcements of moves (after commit, none for a move that did not happen).
 */
import { beforeEach, expect, it } from 'vitest';
import type { ArchivedRow } from '../../server/store/archive-repo.js';
import type { ConversationRow } from '../../server/store/conversations-repo.js';
import type { StoreChange } from '../../server/store/store-changes.js';
import type { Store } from '../../server/store/store.js';
import { describeBothEngines } from './both-engines.js';


const conversation = (id: string, updatedAt: number, createdAt = 1, userId = 'u1'): Omit<ConversationRow, 'seq'> => ({
  id, user_id: userId, project_id: 'proj_1', title: `title ${id}`, metadata: '{"a":1}', referrer: null, created_at: createdAt, updated_at: updatedAt,
});
const archived = (id: string, fileId: number, offset: number, createdAt = 1, userId = 'u1'): ArchivedRow => ({
  id, user_id: userId, project_id: null, title: id, file_id: fileId, byte_offset: offset, byte_length: 10 + offset, items: 2,
  created_at: createdAt, updated_at: 5, archived_at: 6,
});
const conv = (userId: string, id: string): StoreChange => ({ entity: 'conversation', userId, id });

describeBothEngines('archive repository', ({ openAnother }) => {
  let store: Store;
  let seen: StoreChange[];
  beforeEach(async () => {
    // A store of its own per test: counts, orders and ids start from nothing.
    store = await openAnother();
    for (const id of ['u1', 'u2']) await store.users.insert({ id, name: id, role: 'member', created_at: 0 });
    seen = [];
    store.changes.subscribe((change) => seen.push(change));
  });
  const announced = async (write: () => Promise<unknown>): Promise<StoreChange[]> => {
    seen = [];
    await write();
    return seen.splice(0);
  };

  it('lists candidates least recently changed first, skipping recent and recently restored ones', async () => {
    await store.conversations.insert(conversation('c_new', 50));
    const seqB = await store.conversations.insert(conversation('c_b', 20));
    await store.conversations.insert(conversation('c_a', 10));
    await store.conversations.insert(conversation('c_tie', 20, 1, 'u2'));
    await store.archive.insertRestored(conversation('c_restored', 5), 40);
    await store.archive.insertRestored(conversation('c_restored_long_ago', 15), 25);
    const rows = await store.archive.candidates(30, 10);
    expect(rows.map((row) => row.id)).toEqual(['c_a', 'c_restored_long_ago', 'c_b', 'c_tie']);
    expect(rows[2]).toEqual({ seq: seqB, ...conversation('c_b', 20) });
    expect((await store.archive.candidates(30, 2)).map((row) => row.id)).toEqual(['c_a', 'c_restored_long_ago']);
    expect(await store.archive.candidates(9, 10)).toEqual([]);
  });

  it('moves an unchanged conversation out with its items, announcing it after the commit', async () => {
    const seq = await store.conversations.insert(conversation('c_1', 20));
    for (const id of ['i_2', 'i_1']) await store.items.insert({ id, conversation_seq: seq, type: 'message', body: `{"id":"${id}"}`, created_at: 3 });
    const items = await store.archive.itemsOf(seq);
    expect(items.map((item) => item.id)).toEqual(['i_2', 'i_1']);
    expect(items[0]).toEqual({ seq: expect.any(Number), id: 'i_2', conversation_seq: seq, type: 'message', body: '{"id":"i_2"}', created_at: 3 });
    const fileId = await store.archive.createFile('archive-1.jsonl.gz', 100);
    expect(typeof fileId).toBe('number');
    const row = { ...archived('c_1', fileId, 0), updated_at: 20 };
    // Changed since it was read (updated_at differs): nothing moves, nothing is announced.
    expect(await announced(() => store.transaction(async () => expect(await store.archive.moveOut({ ...row, updated_at: 19 }, seq)).toBe(false)))).toEqual([]);
    expect(await store.archive.find('u1', 'c_1')).toBeUndefined();
    const changes = await announced(() =>
      store.transaction(async () => {
        expect(await store.archive.moveOut(row, seq)).toBe(true);
        expect(seen).toEqual([]); // not before the commit
      }),
    );
    expect(changes).toEqual([conv('u1', 'c_1')]);
    expect(await store.conversations.get('u1', 'c_1')).toBeUndefined();
    expect(await store.archive.itemsOf(seq)).toEqual([]);
    expect(await store.archive.find('u1', 'c_1')).toEqual(row);
    expect(await store.archive.find('u2', 'c_1')).toBeUndefined();
    // A rolled-back move announces nothing and leaves the conversation where it was.
    const seq2 = await store.conversations.insert(conversation('c_2', 20));
    seen = [];
    await expect(
      store.transaction(async () => {
        await store.archive.moveOut({ ...archived('c_2', fileId, 30), updated_at: 20 }, seq2);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(seen).toEqual([]);
    expect((await store.conversations.get('u1', 'c_2'))?.seq).toBe(seq2);
    expect(await store.archive.find('u1', 'c_2')).toBeUndefined();
  });

  it('restores a conversation with a new seq and forgets its archived copy, announcing both', async () => {
    const fileId = await store.archive.createFile('a.jsonl.gz', 1);
    await store.transaction(() => store.archive.moveOut(archived('c_1', fileId, 0), 0)); // no hot row: refused
    const oldSeq = await store.conversations.insert(conversation('c_1', 5));
    expect(await store.transaction(() => store.archive.moveOut(archived('c_1', fileId, 0), oldSeq))).toBe(true);
    const changes = await announced(() =>
      store.transaction(async () => {
        const seq = await store.archive.insertRestored(conversation('c_1', 5), 77);
        expect(seq).toBeGreaterThan(oldSeq);
        expect(await store.archive.remove('u1', 'c_1')).toBe(true);
      }),
    );
    expect(changes).toEqual([conv('u1', 'c_1')]);
    expect(await announced(async () => expect(await store.archive.remove('u1', 'c_1')).toBe(false))).toEqual([]);
    expect(await announced(() => store.archive.insertRestored(conversation('c_9', 5, 1, 'u2'), 78))).toEqual([conv('u2', 'c_9')]);
    expect((await store.conversations.get('u1', 'c_1'))?.title).toBe('title c_1');
  });

  it("pages a user's archived conversations by (created_at, id), ids compared bytewise", async () => {
    const fileId = await store.archive.createFile('a.jsonl.gz', 1);
    const seed = [archived('c_b', fileId, 0, 2), archived('c_B', fileId, 20, 2), archived('c_a', fileId, 40, 3), archived('c_0', fileId, 60, 1), archived('c_x', fileId, 80, 1, 'u2')];
    for (const row of seed) {
      const seq = await store.conversations.insert({ ...conversation(row.id, 5, 1, row.user_id) });
      await store.archive.moveOut(row, seq);
    }
    const first = await store.archive.listByUser('u1', undefined, 2);
    expect(first.map((row) => row.id)).toEqual(['c_0', 'c_B']);
    const next = await store.archive.listByUser('u1', first[1], 2);
    expect(next.map((row) => row.id)).toEqual(['c_b', 'c_a']);
    expect(next[1]).toEqual(seed[2]);
    expect(await store.archive.listByUser('u1', next[1], 2)).toEqual([]);
  });

  it('tracks archive files, their live members and bytes, and compaction moves', async () => {
    const f1 = await store.archive.createFile('one.jsonl.gz', 10);
    const f2 = await store.archive.createFile('two.jsonl.gz', 11);
    expect(f2).toBeGreaterThan(f1);
    for (const row of [archived('c_2', f1, 30), archived('c_1', f1, 0)]) {
      await store.archive.moveOut(row, await store.conversations.insert(conversation(row.id, 5)));
    }
    expect(await store.archive.files()).toEqual([
      { id: f1, name: 'one.jsonl.gz', created_at: 10, members: 2, live_bytes: 10 + 40 },
      { id: f2, name: 'two.jsonl.gz', created_at: 11, members: 0, live_bytes: 0 },
    ]);
    expect((await store.archive.fileMembers(f1)).map((row) => row.id)).toEqual(['c_1', 'c_2']);
    expect(await store.archive.fileName(f2)).toBe('two.jsonl.gz');
    expect(await store.archive.fileName(999)).toBeUndefined();
    await store.archive.moveMember('c_2', f2, 0);
    await store.archive.moveMember('c_1', f2, 40);
    expect((await store.archive.fileMembers(f2)).map((row) => [row.id, row.byte_offset])).toEqual([['c_2', 0], ['c_1', 40]]);
    await store.archive.deleteFile(f1);
    expect((await store.archive.files()).map((file) => [file.id, file.members])).toEqual([[f2, 2]]);
    await expect(store.archive.deleteFile(f2)).rejects.toThrow(); // still referenced
  });
});
