/** PostgreSQL twin of id-owners-repo.ts: who holds an id, across users, the hot tables and the archive. */
import type { IdOwnersRepo } from '../id-owners-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { PgSql } from './pg-sql.js';

export class PgIdOwnersRepo implements RepoApi<IdOwnersRepo> {
  constructor(private readonly sql: PgSql) {}

  /** The owner of a conversation id, hot or archived (one round trip). */
  async conversation(id: string): Promise<string | undefined> {
    const row = await this.sql.get<{ user_id: string | null }>(
      'ids.conversation',
      `SELECT coalesce((SELECT user_id FROM conversations WHERE id = $1), (SELECT user_id FROM archived_conversations WHERE id = $1)) AS user_id`,
      [id],
    );
    return row?.user_id ?? undefined;
  }

  /** The owner of a project id and whether that project is deleted (soft-deleted projects keep their ids). */
  async project(id: string): Promise<{ userId: string; deleted: boolean } | undefined> {
    const row = await this.sql.get<{ user_id: string; deleted: boolean }>(
      'ids.project',
      'SELECT user_id, deleted_at IS NOT NULL AS deleted FROM projects WHERE id = $1',
      [id],
    );
    return row && { userId: row.user_id, deleted: row.deleted };
  }

  async itemTaken(id: string): Promise<boolean> {
    return (await this.sql.get('ids.item', 'SELECT 1 AS one FROM items WHERE id = $1', [id])) !== undefined;
  }
}
