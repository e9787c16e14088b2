/**
 * Who holds an id, across users and across the hot tables and the archive. Ids are unique per table over
 * all users, so an import or a restore must know whether an id is free, the importer's own, or someone
 * else's (which is never revealed to the importer: it just gets a new id).
 */
import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

export class IdOwnersRepo {
  private readonly s;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.s = {
      conversation: db.prepare<[string], { user_id: string }>('SELECT user_id FROM conversations WHERE id = ?'),
      archived: db.prepare<[string], { user_id: string }>('SELECT user_id FROM archived_conversations WHERE id = ?'),
      // Soft-deleted projects keep their ids.
      project: db.prepare<[string], { user_id: string; deleted: number }>('SELECT user_id, deleted_at IS NOT NULL AS deleted FROM projects WHERE id = ?'),
      item: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM items WHERE id = ?'),
    };
  }

  /** The owner of a conversation id, hot or archived. */
  conversation(id: string): string | undefined {
    return this.timer.run('ids.conversation', () => this.s.conversation.get(id)?.user_id ?? this.s.archived.get(id)?.user_id);
  }

  /** The owner of a project id and whether that project is deleted. */
  project(id: string): { userId: string; deleted: boolean } | undefined {
    return this.timer.run('ids.project', () => {
      const row = this.s.project.get(id);
      return row && { userId: row.user_id, deleted: row.deleted === 1 };
    });
  }

  itemTaken(id: string): boolean {
    return this.timer.run('ids.item', () => this.s.item.get(id) !== undefined);
  }
}
