/**
 * Projects, conversations and items on both engines: keyset pages in both orders with cursors, the counts the
 * triggers keep, cascades, member data moved or deleted, id owners, and what each write announces.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationRow } from '../../server/store/conversations-repo.js';
import type { Page, SortOrder } from '../../server/store/page.js';
import type { StoreChange } from '../../server/store/store-changes.js';
import type { Store } from '../../server/store/store.js';
import { isUniqueViolation } from '../../server/store/unique-violation.js';
import { describeBothEngines, uniqueName } from './both-engines.js';

async function addUser(store: Store): Promise<string> {
  const id = uniqueName('user');
  await store.users.insert({ id, name: id, role: 'member', created_at: 1 });
  return id;
}

async function addConversation(store: Store, userId: string, createdAt: number, projectId: string | null = null): Promise<{ id: string; seq: number }> {
  const id = uniqueName('conv');
  const seq = await store.conversations.insert({
    id, user_id: userId, project_id: projectId, title: `t-${id}`, metadata: '{}', referrer: null, created_at: createdAt, updated_at: createdAt,
  });
  return { id, seq };
}

/** Every page of a keyset list, following the last row as cursor. */
async function allPages<T extends { created_at: number; seq: number }>(
  fetch: (after: { created_at: number; seq: number } | undefined) => Promise<Page<T>>,
): Promise<T[][]> {
  const pages: T[][] = [];
  let after: { created_at: number; seq: number } | undefined;
  for (;;) {
    const page = await fetch(after);
    pages.push(page.rows);
    if (!page.hasMore) return pages;
    const last = page.rows.at(-1)!;
    after = { created_at: last.created_at, seq: last.seq };
  }
}

function recorder(store: Store): { changes: StoreChange[]; stop: () => void } {
  const changes: StoreChange[] = [];
  const stop = store.changes.subscribe((change) => changes.push(change));
  return { changes, stop };
}

describeBothEngines('conversations', ({ store }) => {
  describe('projects', () => {
    it('are listed newest first in keyset pages, updated field by field, and soft-deleted', async () => {
      const s = store();
      const user = await addUser(s);
      const log = recorder(s);
      const ids: string[] = [];
      for (const createdAt of [10, 20, 20, 30, 40]) {
        const id = uniqueName('proj');
        ids.push(id);
        await s.projects.insert({ id, user_id: user, name: id, instruction: 'i', is_favorite: 0, archived_at: null, created_at: createdAt, updated_at: createdAt });
      }
      expect(log.changes).toEqual(ids.map((id) => ({ entity: 'project', userId: user, id })));
      const pages = await allPages((after) => s.projects.list(user, { limit: 2, after }));
      expect(pages.map((rows) => rows.map((row) => row.id))).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
      const first = await s.projects.get(user, ids[0]!);
      expect(first).toEqual({
        seq: expect.any(Number), id: ids[0], user_id: user, name: ids[0], instruction: 'i', is_favorite: 0, archived_at: null, created_at: 10, updated_at: 10,
      });

      log.changes.length = 0;
      expect(await s.projects.update(user, ids[0]!, { is_favorite: 1, updated_at: 50 })).toBe(true);
      expect(await s.projects.get(user, ids[0]!)).toMatchObject({ name: ids[0], instruction: 'i', is_favorite: 1, archived_at: null, updated_at: 50 });
      expect(await s.projects.update(user, ids[0]!, { name: 'renamed', instruction: null, archived_at: 60, updated_at: 60 })).toBe(true);
      expect(await s.projects.get(user, ids[0]!)).toMatchObject({ name: 'renamed', instruction: null, is_favorite: 1, archived_at: 60 });
      expect(await s.projects.update('someone-else', ids[0]!, { updated_at: 70 })).toBe(false);
      expect(await s.projects.softDelete(user, ids[0]!, 80)).toBe(true);
      expect(await s.projects.softDelete(user, ids[0]!, 81)).toBe(false);
      expect(await s.projects.get(user, ids[0]!)).toBeUndefined();
      expect(await s.projects.update(user, ids[0]!, { updated_at: 90 })).toBe(false);
      expect(log.changes).toEqual([1, 2, 3].map(() => ({ entity: 'project', userId: user, id: ids[0] })));
      expect(await s.idOwners.project(ids[0]!)).toEqual({ userId: user, deleted: true });
      expect(await s.idOwners.project(ids[1]!)).toEqual({ userId: user, deleted: false });
      expect(await s.idOwners.project('proj_none')).toBeUndefined();
      log.stop();
    });
  });

  describe('conversations', () => {
    it('page in both orders with cursors, in and out of a project, with seqs as numbers', async () => {
      const s = store();
      const user = await addUser(s);
      const made: Array<{ id: string; seq: number; createdAt: number; project: string | null }> = [];
      for (const [n, createdAt] of [5, 1, 3, 3, 3, 2, 4].entries()) {
        const project = n % 2 === 0 ? 'proj_p' : null;
        made.push({ ...(await addConversation(s, user, createdAt, project)), createdAt, project });
      }
      expect(made.every((c) => typeof c.seq === 'number')).toBe(true);
      const sorted = [...made].sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);
      for (const order of ['asc', 'desc'] as SortOrder[]) {
        const expected = order === 'asc' ? sorted : [...sorted].reverse();
        const pages = await allPages((after) => s.conversations.list({ userId: user, order, limit: 3, after }));
        expect(pages.map((rows) => rows.length)).toEqual([3, 3, 1]);
        expect(pages.flat().map((row) => row.id)).toEqual(expected.map((c) => c.id));
        const inProject = await allPages((after) => s.conversations.list({ userId: user, projectId: 'proj_p', order, limit: 2, after }));
        expect(inProject.flat().map((row) => row.id)).toEqual(expected.filter((c) => c.project === 'proj_p').map((c) => c.id));
      }
      const row = await s.conversations.get(user, made[0]!.id);
      expect(row).toEqual({
        seq: made[0]!.seq, id: made[0]!.id, user_id: user, project_id: 'proj_p', title: `t-${made[0]!.id}`, metadata: '{}', referrer: null, created_at: 5, updated_at: 5,
      } satisfies ConversationRow);
      expect(await s.conversations.get('someone-else', made[0]!.id)).toBeUndefined();
      expect((await s.conversations.list({ userId: user, order: 'asc', limit: 100 })).hasMore).toBe(false);
    });

    it('are counted by the triggers through inserts, deletes, moves and a user\'s deletion', async () => {
      const s = store();
      const [u1, u2] = [await addUser(s), await addUser(s)];
      expect(await s.conversations.count(u1)).toBe(0);
      const a = await addConversation(s, u1, 1, 'proj_a');
      await addConversation(s, u1, 2, 'proj_a');
      await addConversation(s, u1, 3);
      await addConversation(s, u2, 4, 'proj_a');
      expect([await s.conversations.count(u1), await s.conversations.count(u1, 'proj_a'), await s.conversations.count(u2, 'proj_a')]).toEqual([3, 2, 1]);
      expect(await s.conversations.delete(u1, a.id)).toBe(true);
      expect(await s.conversations.delete(u1, a.id)).toBe(false);
      expect([await s.conversations.count(u1), await s.conversations.count(u1, 'proj_a')]).toEqual([2, 1]);

      const moved = await s.memberData.transfer(u1, u2);
      expect(moved).toEqual({ projects: 0, conversations: 2, archived_conversations: 0, media_files: 0, responses: 0 });
      expect([await s.conversations.count(u1), await s.conversations.count(u2), await s.conversations.count(u2, 'proj_a')]).toEqual([0, 3, 2]);

      expect(await s.users.delete(u2)).toBe(true);
      expect([await s.conversations.count(u2), await s.conversations.count(u2, 'proj_a')]).toEqual([0, 0]);
      expect((await s.conversations.list({ userId: u2, order: 'asc', limit: 10 })).rows).toEqual([]);
    });

    it('are counted exactly under concurrent inserts and deletes (PostgreSQL: on several connections at once)', async () => {
      const s = store();
      const [u1, u2] = [await addUser(s), await addUser(s)];
      const owner = (n: number): string => (n % 2 ? u1 : u2);
      const made = await Promise.all(Array.from({ length: 40 }, (_, n) => addConversation(s, owner(n), n, n % 4 < 2 ? 'proj_c' : null)));
      const deleted = await Promise.all(made.map((c, n) => (n % 5 === 0 ? s.conversations.delete(owner(n), c.id) : Promise.resolve(false))));
      expect(deleted.filter(Boolean)).toHaveLength(8);
      for (const user of [u1, u2]) {
        const rows = (await s.conversations.list({ userId: user, order: 'asc', limit: 100 })).rows;
        expect(await s.conversations.count(user)).toBe(rows.length);
        expect(await s.conversations.count(user, 'proj_c')).toBe(rows.filter((row) => row.project_id === 'proj_c').length);
      }
      expect((await s.conversations.count(u1)) + (await s.conversations.count(u2))).toBe(32);
    });

    it('announce inserts, updates, touches and deletes; an id taken twice is a unique violation', async () => {
      const s = store();
      const user = await addUser(s);
      const log = recorder(s);
      const c = await addConversation(s, user, 1);
      await s.conversations.update(c.seq, 'new title', '{"k":"v"}', 7);
      await s.conversations.touch(c.seq, 8);
      await s.conversations.touch(999_999_999, 9); // no such row: no announcement
      expect(await s.conversations.get(user, c.id)).toMatchObject({ title: 'new title', metadata: '{"k":"v"}', updated_at: 8 });
      const error = await s.conversations.insert({
        id: c.id, user_id: user, project_id: null, title: null, metadata: '{}', referrer: null, created_at: 1, updated_at: 1,
      }).catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      expect(await s.conversations.delete(user, c.id)).toBe(true);
      expect(log.changes).toEqual([1, 2, 3, 4].map(() => ({ entity: 'conversation', userId: user, id: c.id })));
      log.stop();
    });
  });

  describe('items', () => {
    it('page in both orders, announce the conversation, go with it by cascade', async () => {
      const s = store();
      const user = await addUser(s);
      const c = await addConversation(s, user, 1);
      const log = recorder(s);
      const ids: string[] = [];
      await s.transaction(async () => {
        for (const createdAt of [1, 1, 2, 2, 2]) {
          const id = uniqueName('msg');
          ids.push(id);
          await s.items.insert({ id, conversation_seq: c.seq, type: 'message', body: '{"role":"user"}', created_at: createdAt });
        }
      });
      expect(log.changes).toEqual([{ entity: 'conversation-items', userId: user, conversationId: c.id }]); // de-duplicated at commit
      const asc = await allPages((after) => s.items.list(c.seq, { order: 'asc', limit: 2, after }));
      expect(asc.flat().map((row) => row.id)).toEqual(ids);
      const desc = await allPages((after) => s.items.list(c.seq, { order: 'desc', limit: 4, after }));
      expect(desc.map((rows) => rows.length)).toEqual([4, 1]);
      expect(desc.flat().map((row) => row.id)).toEqual([...ids].reverse());
      const item = await s.items.get(c.seq, ids[0]!);
      expect(item).toEqual({ seq: expect.any(Number), id: ids[0], conversation_seq: c.seq, type: 'message', body: '{"role":"user"}', created_at: 1 });
      expect(await s.idOwners.itemTaken(ids[0]!)).toBe(true);

      log.changes.length = 0;
      expect(await s.items.delete(c.seq, ids[0]!)).toBe(true);
      expect(await s.items.delete(c.seq, ids[0]!)).toBe(false);
      expect(log.changes).toEqual([{ entity: 'conversation-items', userId: user, conversationId: c.id }]);
      expect(await s.idOwners.itemTaken(ids[0]!)).toBe(false);
      expect(await s.idOwners.conversation(c.id)).toBe(user);
      await s.conversations.delete(user, c.id);
      expect(await s.idOwners.itemTaken(ids[1]!)).toBe(false); // cascade
      expect(await s.idOwners.conversation(c.id)).toBeUndefined();
      log.stop();
    });
  });

  describe('transactions', () => {
    it('roll back everything on a throw, and announce nothing of it', async () => {
      const s = store();
      const user = await addUser(s);
      const log = recorder(s);
      const failure = await s.transaction(async () => {
        const c = await addConversation(s, user, 1, 'proj_t');
        await s.items.insert({ id: uniqueName('msg'), conversation_seq: c.seq, type: 'message', body: '{}', created_at: 1 });
        expect(log.changes).toEqual([]); // not before the commit
        throw new Error('changed my mind');
      }).catch((e: unknown) => e);
      expect((failure as Error).message).toBe('changed my mind');
      expect(log.changes).toEqual([]);
      expect(await s.conversations.count(user)).toBe(0);
      expect(await s.conversations.count(user, 'proj_t')).toBe(0);
      expect((await s.conversations.list({ userId: user, order: 'asc', limit: 10 })).rows).toEqual([]);
      log.stop();
    });

    it('roll a failed savepoint back alone (the outer writes commit), and a unique violation undoes its transaction', async () => {
      const s = store();
      const user = await addUser(s);
      const log = recorder(s);
      const kept = await s.transaction(async () => {
        const outer = await addConversation(s, user, 1);
        await s.transaction(async () => {
          await addConversation(s, user, 2);
          throw new Error('inner');
        }).catch(() => undefined);
        return outer;
      });
      expect((await s.conversations.list({ userId: user, order: 'asc', limit: 10 })).rows.map((row) => row.id)).toEqual([kept.id]);
      expect(log.changes).toEqual([{ entity: 'conversation', userId: user, id: kept.id }]);

      log.changes.length = 0;
      const error = await s.transaction(async () => {
        await addConversation(s, user, 3);
        await s.conversations.insert({
          id: kept.id, user_id: user, project_id: null, title: null, metadata: '{}', referrer: null, created_at: 3, updated_at: 3,
        });
      }).catch((e: unknown) => e);
      expect(isUniqueViolation(error)).toBe(true);
      expect(await s.conversations.count(user)).toBe(1);
      expect(log.changes).toEqual([]);
      log.stop();
    });

    it('run side by side, each committing or rolling back alone', async () => {
      const s = store();
      const user = await addUser(s);
      const outcomes = await Promise.allSettled([1, 2, 3, 4].map((n) =>
        s.transaction(async () => {
          await addConversation(s, user, n);
          await new Promise((resolve) => setTimeout(resolve, 5));
          await addConversation(s, user, n);
          if (n % 2 === 0) throw new Error(`rollback ${n}`);
        })));
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
      const rows = (await s.conversations.list({ userId: user, order: 'asc', limit: 100 })).rows;
      expect(rows.map((row) => row.created_at)).toEqual([1, 1, 3, 3]);
      expect(await s.conversations.count(user)).toBe(4);
    });

    it('never show another caller a transaction\'s uncommitted rows (SQLite makes it wait, PostgreSQL reads around them)', async () => {
      const s = store();
      const user = await addUser(s);
      let id = '';
      let entered!: () => void;
      const inside = new Promise<void>((resolve) => (entered = resolve));
      const rolledBack = s.transaction(async () => {
        id = (await addConversation(s, user, 1)).id;
        entered();
        await new Promise((resolve) => setTimeout(resolve, 30));
        throw new Error('rollback');
      }).catch(() => 'rolled back');
      await inside;
      expect(await s.conversations.get(user, id)).toBeUndefined(); // read from outside the transaction
      expect(await s.conversations.count(user)).toBe(0);
      expect(await rolledBack).toBe('rolled back');
      expect(await s.conversations.get(user, id)).toBeUndefined();
    });
  });

  describe('member data', () => {
    it('moves projects and conversations to another member (announcing both owners), or deletes them', async () => {
      const s = store();
      const [from, to] = [await addUser(s), await addUser(s)];
      const project = uniqueName('proj');
      await s.projects.insert({ id: project, user_id: from, name: 'p', instruction: null, is_favorite: 0, archived_at: null, created_at: 1, updated_at: 1 });
      const c = await addConversation(s, from, 1, project);
      // An archived conversation, a stored response and a pending upload slot, which the transfer drops.
      const archived = await addConversation(s, from, 2);
      const fileId = await s.archive.createFile(uniqueName('archive'), 3);
      expect(await s.archive.moveOut({
        id: archived.id, user_id: from, project_id: null, title: null, file_id: fileId, byte_offset: 0, byte_length: 10, items: 0,
        created_at: 2, updated_at: 2, archived_at: 3,
      }, archived.seq)).toBe(true);
      expect(await s.idOwners.conversation(archived.id)).toBe(from);
      await s.responses.insert({ id: uniqueName('resp'), user_id: from, previous_response_id: null, body: '{}', input_items: '[]', created_at: 1 });
      const slot = uniqueName('slot');
      await s.mediaUploadSlots.insert({ id: slot, user_id: from, mime_type: 'image/png', expires_at: 9_999_999_999 });
      const log = recorder(s);
      const moved = await s.transaction(() => s.memberData.transfer(from, to));
      expect(moved).toEqual({ projects: 1, conversations: 1, archived_conversations: 1, media_files: 0, responses: 1 });
      expect(await s.idOwners.conversation(archived.id)).toBe(to);
      expect(await s.mediaUploadSlots.take(slot, 1)).toBeUndefined();
      expect(log.changes).toEqual([
        { entity: 'project', userId: from, id: project },
        { entity: 'project', userId: to, id: project },
        { entity: 'conversation', userId: from, id: c.id },
        { entity: 'conversation', userId: to, id: c.id },
      ]);
      expect(await s.conversations.get(to, c.id)).toBeDefined();
      expect(await s.conversations.count(to, project)).toBe(1);

      log.changes.length = 0;
      const deleted = await s.transaction(() => s.memberData.deleteAll(to));
      expect(deleted).toEqual({ projects: 1, conversations: 1, archived_conversations: 1, media_files: 0, responses: 1 });
      expect(log.changes).toEqual([{ entity: 'conversation', userId: to, id: c.id }, { entity: 'project', userId: to, id: project }]);
      expect(await s.conversations.count(to)).toBe(0);
      expect(await s.idOwners.project(project)).toBeUndefined();
      log.stop();
    });
  });
});
