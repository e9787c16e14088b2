/**
 * Turns accepted item input (OpenAI flat or Jan nested content) into the stored OpenAI flat form, and
 * stored rows back into API items.
 */
import type { Item, ItemInput } from '../api/items.js';
import { newId } from '../store/ids.js';
import type { ItemRow } from '../store/items-repo.js';

type Part = Record<string, unknown> & { type: string };

function textPartType(role: string): string {
  return role === 'assistant' ? 'output_text' : 'input_text';
}

/** Jan writes `{type:"text", text:{value}}`; OpenAI `{type:"input_text", text}`. */
function flattenPart(part: Part, role: string): Part {
  const { text, ...rest } = part;
  const flatText = typeof text === 'object' && text !== null ? (text as { value: string }).value : text;
  const type = part.type === 'text' ? textPartType(role) : part.type;
  const flat: Part = { ...rest, type };
  if (flatText !== undefined) flat.text = flatText;
  if (type === 'output_text' && flat.annotations === undefined) flat.annotations = [];
  return flat;
}

/** The stored body of an item (everything but its id and created_at). */
export function normalizeItem(input: ItemInput): { type: string; body: Record<string, unknown> } {
  const { id: _ignoredId, ...item } = input;
  if (item.type === 'function_call' || item.type === 'function_call_output') {
    return { type: item.type, body: { ...item, status: item.status ?? 'completed' } };
  }
  const content =
    typeof item.content === 'string'
      ? [flattenPart({ type: 'text', text: item.content }, item.role)]
      : item.content.map((part) => flattenPart(part as Part, item.role));
  return { type: 'message', body: { type: 'message', status: item.status ?? 'completed', role: item.role, content } };
}

/** Item ids carry their kind, as OpenAI's do: `msg_…`, `fc_…` (function call), `fco_…` (its output). */
const ID_PREFIX = { message: 'msg', function_call: 'fc', function_call_output: 'fco' } as const;

/** A new row for `input` in the conversation with `conversationSeq`. */
export function newItemRow(input: ItemInput, conversationSeq: number, createdAt: number): Omit<ItemRow, 'seq'> {
  const { type, body } = normalizeItem(input);
  return {
    id: newId(ID_PREFIX[type as keyof typeof ID_PREFIX]),
    conversation_seq: conversationSeq,
    type,
    body: JSON.stringify(body),
    created_at: createdAt,
  };
}

export function itemFromRow(row: ItemRow): Item {
  return { id: row.id, ...(JSON.parse(row.body) as Omit<Item, 'id' | 'created_at'>), created_at: row.created_at } as Item;
}
