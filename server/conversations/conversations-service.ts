import type { z } from 'zod';
import type { Conversation, ConversationCreateBody, ConversationListQuery, ConversationUpdateBody } from '../api/conversations.js';
import { badRequest, notFound } from '../errors/app-error.js';
import type { ConversationRow } from '../store/conversations-repo.js';
import { newId, nowSeconds } from '../store/ids.js';
import type { Store } from '../store/store.js';
import { newItemRow } from './item-content.js';
import { listEnvelope } from '../api/list-envelope.js';

export function conversationFromRow(row: ConversationRow): Conversation {
  return {
    id: row.id,
    object: 'conversation',
    title: row.title,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
    project_id: row.project_id,
    referrer: row.referrer,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The archive as conversations see it: where a conversation missing from the tables may be. */
export interface ConversationArchive {
  /** Moves the user's archived conversation back into the tables; false when there is none. */
  restore(userId: string, id: string): Promise<boolean>;
  /** Deletes the user's archived conversation; false when there is none. */
  forget(userId: string, id: string): Promise<boolean>;
}

/** Writes need no cache hook: the store announces them and the response cache follows (server/cache/store-invalidation.ts). */
export interface ConversationHooks {
  archive?: ConversationArchive;
}

export class ConversationsService {
  constructor(
    private readonly store: Store,
    private readonly hooks: ConversationHooks = {},
  ) {}

  /**
   * The user's conversation row, or 404 (also for another user's id: ids are never confirmed across users).
   * An archived conversation is restored on access, so every route that reads or writes one just works.
   */
  async requireRow(userId: string, id: string): Promise<ConversationRow> {
    let row = await this.store.conversations.get(userId, id);
    if (!row && (await this.hooks.archive?.restore(userId, id))) row = await this.store.conversations.get(userId, id);
    if (!row) throw notFound('conversation', id, 'conversation_id');
    return row;
  }

  async create(userId: string, body: z.infer<typeof ConversationCreateBody>): Promise<Conversation> {
    if (body.project_id && !(await this.store.projects.get(userId, body.project_id))) {
      throw notFound('project', body.project_id, 'project_id');
    }
    const now = nowSeconds();
    const row: Omit<ConversationRow, 'seq'> = {
      id: newId('conv'),
      user_id: userId,
      project_id: body.project_id ?? null,
      title: body.title ?? null,
      metadata: JSON.stringify(body.metadata ?? {}),
      referrer: body.referrer ?? null,
      created_at: now,
      updated_at: now,
    };
    await this.store.transaction(async () => {
      const seq = await this.store.conversations.insert(row);
      for (const input of body.items ?? []) await this.store.items.insert(newItemRow(input, seq, now));
    });
    return conversationFromRow({ ...row, seq: 0 });
  }

  async get(userId: string, id: string): Promise<Conversation> {
    return conversationFromRow(await this.requireRow(userId, id));
  }

  async list(userId: string, query: z.infer<typeof ConversationListQuery>) {
    let after: ConversationRow | undefined;
    if (query.after) {
      after = await this.store.conversations.get(userId, query.after);
      if (!after) throw badRequest(`No conversation '${query.after}' to list after.`, 'after');
    }
    const page = await this.store.conversations.list({ userId, projectId: query.project_id, order: query.order, limit: query.limit, after });
    const total = await this.store.conversations.count(userId, query.project_id);
    return { ...listEnvelope(page.rows.map(conversationFromRow), page.hasMore), total };
  }

  async update(userId: string, id: string, body: z.infer<typeof ConversationUpdateBody>): Promise<Conversation> {
    const row = await this.requireRow(userId, id);
    const title = body.title === undefined ? row.title : body.title;
    const metadata = body.metadata === undefined ? row.metadata : JSON.stringify(body.metadata ?? {});
    const updatedAt = nowSeconds();
    await this.store.conversations.update(row.seq, title, metadata, updatedAt);
    return conversationFromRow({ ...row, title, metadata, updated_at: updatedAt });
  }

  async delete(userId: string, id: string) {
    const deleted = (await this.store.conversations.delete(userId, id)) || ((await this.hooks.archive?.forget(userId, id)) ?? false);
    if (!deleted) throw notFound('conversation', id, 'conversation_id');
    return { id, object: 'conversation.deleted' as const, deleted: true as const };
  }
}
