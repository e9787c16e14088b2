/**
 * Rows to export/archive lines and back (the line format is described in server/api/export.ts). The archive
 * files and the user export share it, so an archived conversation reads like a piece of an export.
 */
import type { ExportConversationLine, ExportItemLine, ExportProjectLine } from '../api/export.js';
import type { ConversationRow } from '../store/conversations-repo.js';
import { newId } from '../store/ids.js';
import type { ItemRow } from '../store/items-repo.js';
import type { ProjectRow } from '../store/projects-repo.js';
import { conversationFromRow } from '../conversations/index.js';
import { itemFromRow } from '../conversations/index.js';

export function conversationLine(row: ConversationRow): ExportConversationLine {
  const { object: _object, ...conversation } = conversationFromRow(row);
  return { type: 'conversation', ...conversation };
}

export function itemLine(conversationId: string, row: ItemRow): ExportItemLine {
  return { type: 'item', conversation_id: conversationId, item: itemFromRow(row) as ExportItemLine['item'] };
}

export function projectLine(row: ProjectRow): ExportProjectLine {
  return {
    type: 'project',
    id: row.id,
    name: row.name,
    instruction: row.instruction,
    is_favorite: row.is_favorite === 1,
    archived_at: row.archived_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function conversationRowFromLine(line: ExportConversationLine, userId: string, id = line.id, projectId = line.project_id): Omit<ConversationRow, 'seq'> {
  return {
    id,
    user_id: userId,
    project_id: projectId,
    title: line.title,
    metadata: JSON.stringify(line.metadata),
    referrer: line.referrer,
    created_at: line.created_at,
    updated_at: line.updated_at,
  };
}

/** The stored row of an item line: its body is the item without `id` and `created_at` (as item-content stores it). */
export function itemRowFromLine(line: ExportItemLine, conversationSeq: number, id = line.item.id): Omit<ItemRow, 'seq'> {
  const { id: _id, created_at: createdAt, ...body } = line.item;
  return { id, conversation_seq: conversationSeq, type: line.item.type, body: JSON.stringify(body), created_at: createdAt };
}

export function projectRowFromLine(line: ExportProjectLine, userId: string, id = line.id): Omit<ProjectRow, 'seq'> {
  return {
    id,
    user_id: userId,
    name: line.name,
    instruction: line.instruction,
    is_favorite: line.is_favorite ? 1 : 0,
    archived_at: line.archived_at,
    created_at: line.created_at,
    updated_at: line.updated_at,
  };
}

/** A fresh id for an item whose own id is taken, with its kind's prefix (as item-content gives them). */
export function newItemId(type: string): string {
  return newId(type === 'function_call' ? 'fc' : type === 'function_call_output' ? 'fco' : 'msg');
}

/** One JSON object per line, each line ending in `\n`. */
export function toJsonl(lines: readonly unknown[]): string {
  let out = '';
  for (const line of lines) out += `${JSON.stringify(line)}\n`;
  return out;
}
