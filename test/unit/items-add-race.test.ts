/**
 * Adding items races a delete of their conversation now that the store is asynchronous: the conversation is
 * looked up, another request deletes it, then the items go in. The answer must be the conversation's 404, as
 * for a conversation deleted before the request, not the foreign key's 500.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ConversationsService, ItemsService } from '../../server/conversations/index.js';
import { openStore, type Store } from '../../server/store/store.js';

let dir: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jan-items-race-'));
  store = openStore({ file: join(dir, 'jan.sqlite') });
  await store.users.insert({ id: 'u1', name: 'u1', role: 'member', created_at: 0 });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const hello = { items: [{ type: 'message' as const, role: 'user' as const, content: 'hello' }] };

it('a conversation deleted between the lookup and the insert answers 404 conversation_not_found', async () => {
  const conversations = new ConversationsService(store);
  const { id } = await conversations.create('u1', {});
  // The lookup succeeds, then another request's delete lands before the items are written.
  const racing = Object.assign(Object.create(conversations) as ConversationsService, {
    requireRow: async (userId: string, conversationId: string) => {
      const row = await conversations.requireRow(userId, conversationId);
      await store.conversations.delete(userId, conversationId);
      return row;
    },
  });
  const items = new ItemsService(store, racing);
  await expect(items.add('u1', id, hello)).rejects.toMatchObject({ status: 404, code: 'conversation_not_found', param: 'conversation_id' });
});

it('a failure that is not the conversation going away is not hidden as a 404', async () => {
  const conversations = new ConversationsService(store);
  const { id } = await conversations.create('u1', {});
  const items = new ItemsService(store, conversations);
  const [item] = (await items.add('u1', id, hello)).data;
  const insert = store.items.insert;
  // The same item id again: the primary key refuses it while the conversation is still there.
  Object.defineProperty(store.items, 'insert', {
    value: (row: Parameters<typeof insert>[0]) => insert({ ...row, id: item!.id }),
    configurable: true,
  });
  await expect(items.add('u1', id, hello)).rejects.not.toMatchObject({ status: 404 });
  await expect(items.add('u1', id, hello)).rejects.toThrow(/UNIQUE|constraint/i);
});
