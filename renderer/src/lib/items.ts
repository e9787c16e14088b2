/** Conversation items as the chat shows them: role and plain text. */
import type { Api, ChatMessage, Item } from '../api/index.js';

export interface ChatTurn {
  id: string;
  role: ChatMessage['role'];
  text: string;
  /** `incomplete` when generation was stopped. */
  status?: string;
}

export function itemText(item: Item): string {
  return (item.content ?? []).map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
}

export function toTurns(items: Item[]): ChatTurn[] {
  return items
    .filter((i) => i.type === 'message' && (i.role === 'user' || i.role === 'assistant' || i.role === 'system'))
    .map((i) => ({ id: i.id, role: i.role as ChatTurn['role'], text: itemText(i), status: i.status }));
}

/** Every item of a conversation, oldest first (pages through `has_more`). */
export async function loadAllItems(api: Api, conversationId: string): Promise<Item[]> {
  const items: Item[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await api.conversations.items(conversationId, after);
    items.push(...page.data);
    if (!page.has_more || !page.last_id) return items;
    after = page.last_id;
  }
}
