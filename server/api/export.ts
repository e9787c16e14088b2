/**
 * The JSON Lines format of a user's export (`GET /v1/export`), of `POST /v1/import`, and of the archive
 * files (each archived conversation is its `conversation` line followed by its `item` lines). One JSON
 * object per line, `type` first:
 *
 *   {"type":"header","format":"jan-server-export","version":1,"exported_at":…,"user_id":"…"}
 *   {"type":"project", …project as the API shows it…}
 *   {"type":"conversation", …conversation as the API shows it, without "object"…}
 *   {"type":"item","conversation_id":"conv_…","item":{…item as the API shows it…}}
 *   {"type":"end","counts":{"projects":…,"conversations":…,"items":…}}
 *
 * Items belong to the conversation line before them. Import takes the same lines (header and end optional).
 */
import { z } from 'zod';
import { Metadata } from './common.js';

const Id = z.string().min(1).max(128);
const Seconds = z.number().int().min(0);

export const EXPORT_FORMAT = 'jan-server-export';
export const EXPORT_VERSION = 1;

export const ExportHeaderLine = z.object({
  type: z.literal('header'),
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  exported_at: Seconds,
  user_id: z.string(),
});

export const ExportProjectLine = z.object({
  type: z.literal('project'),
  id: Id,
  name: z.string().min(1).max(120),
  instruction: z.string().max(100_000).nullable(),
  is_favorite: z.boolean(),
  archived_at: Seconds.nullable(),
  created_at: Seconds,
  updated_at: Seconds,
});

export const ExportConversationLine = z.object({
  type: z.literal('conversation'),
  id: Id,
  title: z.string().max(512).nullable(),
  metadata: Metadata,
  project_id: Id.nullable(),
  referrer: z.string().max(256).nullable(),
  created_at: Seconds,
  updated_at: Seconds,
});

/** An item as the API shows it: its id, its type, its created_at and whatever else its type carries. */
export const ExportItem = z.looseObject({ id: Id, type: z.string().min(1).max(64), created_at: Seconds });

export const ExportItemLine = z.object({ type: z.literal('item'), conversation_id: Id, item: ExportItem });

export const ExportCounts = z.object({ projects: z.number().int(), conversations: z.number().int(), items: z.number().int() });

export const ExportEndLine = z.object({ type: z.literal('end'), counts: ExportCounts });

export const ExportLine = z.discriminatedUnion('type', [
  ExportHeaderLine, ExportProjectLine, ExportConversationLine, ExportItemLine, ExportEndLine,
]);
export type ExportLine = z.infer<typeof ExportLine>;
export type ExportConversationLine = z.infer<typeof ExportConversationLine>;
export type ExportItemLine = z.infer<typeof ExportItemLine>;
export type ExportProjectLine = z.infer<typeof ExportProjectLine>;

/** What an import did, per kind: `created`, `skipped` (already there: import is idempotent), `renamed` (id taken by another user, so given a new one). */
const ImportTally = z.object({ created: z.number().int(), skipped: z.number().int(), renamed: z.number().int() });

export const ImportResult = z.object({
  object: z.literal('import.result'),
  lines: z.number().int(),
  projects: ImportTally,
  conversations: ImportTally,
  items: ImportTally,
});
export type ImportResult = z.infer<typeof ImportResult>;
