import type { z } from 'zod';
import type { Conversation } from '../api/conversations.js';
import type { Item, ItemsCreateBody, ItemsListQuery } from '../api/items.js';
import { badRequest, notFound } from '../errors/app-error.js';
import { nowSeconds } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { conversationFromRow, type ConversationsService } from './conversations-service.js';
import { itemFromRow, newItemRow } from './item-content.js';
import { listEnvelope } from '../api/list-envelope.js';

export class ItemsService {
  constructor(
    private readonly store: Store,
    private readonly conversations: ConversationsService,
  ) {}

  async list(userId: string, conversationId: string, query: z.infer<typeof ItemsListQuery>) {
    const conversation = await this.conversations.requireRow(userId, conversationId);
    let after;
    if (query.after) {
      after = await this.store.items.get(conversation.seq, query.after);
      if (!after) throw badRequest(`No item '${query.after}' in this conversation to list after.`, 'after');
    }
    const page = await this.store.items.list(conversation.seq, { order: query.order, limit: query.limit, after });
    return listEnvelope(page.rows.map(itemFromRow), page.hasMore);
  }

  /** Adds the items in one transaction and returns them in the order given. */
  async add(userId: string, conversationId: string, body: z.infer<typeof ItemsCreateBody>) {
    const conversation = await this.conversations.requireRow(userId, conversationId);
    const now = nowSeconds();
    const rows = body.items.map((input) => newItemRow(input, conversation.seq, now));
    try {
      await this.store.transaction(async () => {
        for (const row of rows) await this.store.items.insert(row);
        await this.store.conversations.touch(conversation.seq, now);
      });
    } catch (error) {
      // Deleted by another request since the lookup (the items' foreign key refused them): the same 404.
      if (!(await this.store.conversations.get(userId, conversationId))) throw notFound('conversation', conversationId, 'conversation_id');
      throw error;
    }
    return listEnvelope(rows.map((row) => itemFromRow({ ...row, seq: 0 })), false);
  }

  async get(userId: string, conversationId: string, itemId: string): Promise<Item> {
    const conversation = await this.conversations.requireRow(userId, conversationId);
    const row = await this.store.items.get(conversation.seq, itemId);
    if (!row) throw notFound('item', itemId, 'item_id');
    return itemFromRow(row);
  }

  /** As OpenAI does, answers with the conversation the item was removed from. */
  async delete(userId: string, conversationId: string, itemId: string): Promise<Conversation> {
    const conversation = await this.conversations.requireRow(userId, conversationId);
    const now = nowSeconds();
    const deleted = await this.store.transaction(async () => {
      const gone = await this.store.items.delete(conversation.seq, itemId);
      if (gone) await this.store.conversations.touch(conversation.seq, now);
      return gone;
    });
    if (!deleted) throw notFound('item', itemId, 'item_id');
    return conversationFromRow({ ...conversation, updated_at: now });
  }
}
