/**
 * Jan's conversation support for generation endpoints: the conversation's earlier items come before the new
 * input, and the turn (input and reply) is appended as items; an untitled conversation is titled after its
 * first user message.
 */
import type { ItemInput } from '../api/items.js';
import type { ConversationsService } from '../conversations/index.js';
import type { ItemsService } from '../conversations/index.js';

const PAGE = 100;

export interface ConversationContext {
  id: string;
  title: string | null;
  /** Earlier items, oldest first, in the stored OpenAI form. */
  items: Record<string, unknown>[];
}

export class ConversationLink {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly items: ItemsService,
  ) {}

  /** The conversation and its items, or 404 when the user has no such conversation. */
  async open(userId: string, ref: string | { id: string }): Promise<ConversationContext> {
    const id = typeof ref === 'string' ? ref : ref.id;
    const conversation = await this.conversations.get(userId, id);
    const items: Record<string, unknown>[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.items.list(userId, id, { order: 'asc', limit: PAGE, after });
      items.push(...(page.data as Record<string, unknown>[]));
      if (!page.has_more || page.last_id === null) break;
      after = page.last_id;
    }
    return { id, title: conversation.title, items };
  }

  /** Appends the turn's items and sets the title if there is none; returns what the reply shows. */
  async record(userId: string, context: ConversationContext, items: ItemInput[], title: string | null): Promise<{ id: string; title: string | null }> {
    if (items.length > 0) await this.items.add(userId, context.id, { items });
    if (context.title === null && title !== null) {
      await this.conversations.update(userId, context.id, { title });
      return { id: context.id, title };
    }
    return { id: context.id, title: context.title };
  }
}
