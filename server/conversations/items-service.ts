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

  list(userId: string, conversationId: string, query: z.infer<typeof ItemsListQuery>) {
    const conversation = this.conversations.requireRow(userId, conversationId);
    let after;
    if (query.after) {
      after = this.store.items.get(conversation.seq, query.after);
      if (!after) throw badRequest(`No item '${query.after}' in this conversation to list after.`, 'after');
    }
    const page = this.store.items.list(conversation.seq, { order: query.order, limit: query.limit, after });
    return listEnvelope(page.rows.map(itemFromRow), page.hasMore);
  }

  /** Adds the items in one transaction and returns them in the order given. */
  add(userId: string, conversationId: string, body: z.infer<typeof ItemsCreateBody>) {
    const conversation = this.conversations.requireRow(userId, conversationId);
    const now = nowSeconds();
    const rows = body.items.map((input) => newItemRow(input, conversation.seq, now));
    this.store.transaction(() => {
      for (const row of rows) this.store.items.insert(row);
      this.store.conversations.touch(conversation.seq, now);
    });
    return listEnvelope(rows.map((row) => itemFromRow({ ...row, seq: 0 })), false);
  }

  get(userId: string, conversationId: string, itemId: string): Item {
    const conversation = this.conversations.requireRow(userId, conversationId);
    const row = this.store.items.get(conversation.seq, itemId);
    if (!row) throw notFound('item', itemId, 'item_id');
    return itemFromRow(row);
  }

  /** As OpenAI does, answers with the conversation the item was removed from. */
  delete(userId: string, conversationId: string, itemId: string): Conversation {
    const conversation = this.conversations.requireRow(userId, conversationId);
    const now = nowSeconds();
    const deleted = this.store.transaction(() => {
      const gone = this.store.items.delete(conversation.seq, itemId);
      if (gone) this.store.conversations.touch(conversation.seq, now);
      return gone;
    });
    if (!deleted) throw notFound('item', itemId, 'item_id');
    return conversationFromRow({ ...conversation, updated_at: now });
  }
}
