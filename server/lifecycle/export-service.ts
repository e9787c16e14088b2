/**
 * A user's export: everything they own as JSON Lines (format in server/api/export.ts): projects, then every
 * conversation with its items — those in the tables and those in the archive — then an `end` line with the
 * counts. It is produced page by page: each page is one read, and nothing (no open cursor, no transaction)
 * is held while the client takes its time, so the export never blocks writers. It is not a
 * snapshot: a write during a long export may or may not be in it.
 */
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportLine } from '../api/export.js';
import type { ConversationRow } from '../store/conversations-repo.js';
import { nowSeconds } from '../store/ids.js';
import type { ItemRow } from '../store/items-repo.js';
import type { ProjectRow } from '../store/projects-repo.js';
import type { Store } from '../store/store.js';
import type { ArchiveService } from './archive-service.js';
import { conversationLine, itemLine, projectLine, toJsonl } from './archive-format.js';

const PAGE = 200;
const ITEM_PAGE = 1000;

export class ExportService {
  constructor(
    private readonly store: Store,
    private readonly archive: ArchiveService,
  ) {}

  /** The export as chunks of JSON Lines text. Stops early when `signal` aborts (the client went away). */
  async *chunks(userId: string, signal: AbortSignal): AsyncGenerator<string> {
    const counts = { projects: 0, conversations: 0, items: 0 };
    yield toJsonl([{ type: 'header', format: EXPORT_FORMAT, version: EXPORT_VERSION, exported_at: nowSeconds(), user_id: userId } satisfies ExportLine]);
    for (let after: ProjectRow | undefined, more = true; more && !signal.aborted; ) {
      const page = await this.store.projects.list(userId, { limit: PAGE, after });
      counts.projects += page.rows.length;
      if (page.rows.length > 0) yield toJsonl(page.rows.map(projectLine));
      [after, more] = [page.rows.at(-1), page.hasMore];
    }
    for (let after: ConversationRow | undefined, more = true; more && !signal.aborted; ) {
      const page = await this.store.conversations.list({ userId, order: 'asc', limit: PAGE, after });
      for (const conversation of page.rows) {
        counts.conversations++;
        yield toJsonl([conversationLine(conversation)]);
        for await (const chunk of this.itemChunks(conversation, signal)) {
          counts.items += chunk.count;
          yield chunk.text;
        }
      }
      [after, more] = [page.rows.at(-1), page.hasMore];
    }
    yield* this.archived(userId, counts, signal);
    if (!signal.aborted) yield toJsonl([{ type: 'end', counts } satisfies ExportLine]);
  }

  private async *itemChunks(conversation: ConversationRow, signal: AbortSignal): AsyncGenerator<{ text: string; count: number }> {
    for (let after: ItemRow | undefined, more = true; more && !signal.aborted; ) {
      const page = await this.store.items.list(conversation.seq, { order: 'asc', limit: ITEM_PAGE, after });
      if (page.rows.length > 0) yield { text: toJsonl(page.rows.map((row) => itemLine(conversation.id, row))), count: page.rows.length };
      [after, more] = [page.rows.at(-1), page.hasMore];
    }
  }

  private async *archived(userId: string, counts: { conversations: number; items: number }, signal: AbortSignal): AsyncGenerator<string> {
    for (let after: { created_at: number; id: string } | undefined; !signal.aborted; ) {
      const rows = await this.store.archive.listByUser(userId, after, PAGE);
      if (rows.length === 0) return;
      for (const row of rows) {
        const { conversation, items } = await this.archive.read(row);
        counts.conversations++;
        counts.items += items.length;
        yield toJsonl([conversation, ...items]);
      }
      after = rows.at(-1);
    }
  }
}
