/** PostgreSQL twin of responses-repo.ts: stored responses of the Responses API. */
import type { RepoApi } from '../repo-api.js';
import type { ResponseRow, ResponsesRepo } from '../responses-repo.js';
import type { AnnounceChange } from '../store-changes.js';
import type { PgSql } from './pg-sql.js';

const columns = 'seq, id, user_id, previous_response_id, body, input_items, created_at';

export class PgResponsesRepo implements RepoApi<ResponsesRepo> {
  constructor(
    private readonly sql: PgSql,
    _announce: AnnounceChange,
  ) {}

  async insert(row: Omit<ResponseRow, 'seq'>): Promise<void> {
    await this.sql.run(
      'responses.insert',
      `INSERT INTO responses (id, user_id, previous_response_id, body, input_items, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [row.id, row.user_id, row.previous_response_id, row.body, row.input_items, row.created_at],
    );
  }

  async get(userId: string, id: string): Promise<ResponseRow | undefined> {
    return this.sql.get('responses.get', `SELECT ${columns} FROM responses WHERE user_id = $1 AND id = $2`, [userId, id]);
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return (await this.sql.run('responses.delete', 'DELETE FROM responses WHERE user_id = $1 AND id = $2', [userId, id])) > 0;
  }
}
