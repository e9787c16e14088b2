/** PostgreSQL twin of api-keys-repo.ts: API keys, found by the SHA-256 of the key. */
import type { ApiKeyInfo, ApiKeyOwner, ApiKeyRow, ApiKeysRepo } from '../api-keys-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { PgSql } from './pg-sql.js';

const infoColumns = 'id, user_id, name, prefix, suffix, created_at, expires_at, last_used_at';

export class PgApiKeysRepo implements RepoApi<ApiKeysRepo> {
  constructor(private readonly sql: PgSql) {}

  async insert(row: ApiKeyRow): Promise<void> {
    await this.sql.run(
      'api_keys.insert',
      `INSERT INTO api_keys (id, user_id, name, prefix, suffix, hash, created_at, expires_at, last_used_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [row.id, row.user_id, row.name, row.prefix, row.suffix, row.hash, row.created_at, row.expires_at, row.last_used_at],
    );
  }

  async findByHash(hash: Buffer): Promise<ApiKeyOwner | undefined> {
    return this.sql.get(
      'api_keys.find_by_hash',
      `SELECT k.id AS key_id, k.hash, k.expires_at, u.id AS user_id, u.role
       FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.hash = $1 AND u.disabled_at IS NULL`,
      [hash],
    );
  }

  /** Newest first; ties in reverse insertion order (`rowid` stands in for SQLite's). */
  async listByUser(userId: string): Promise<ApiKeyInfo[]> {
    return this.sql.all('api_keys.list', `SELECT ${infoColumns} FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC, rowid DESC`, [userId]);
  }

  async delete(userId: string, id: string): Promise<boolean> {
    return (await this.sql.run('api_keys.delete', 'DELETE FROM api_keys WHERE user_id = $1 AND id = $2', [userId, id])) === 1;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.sql.run('api_keys.touch', 'UPDATE api_keys SET last_used_at = $1 WHERE id = $2', [at, id]);
  }

  async deleteAllOfUser(userId: string): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>('api_keys.delete_user', 'DELETE FROM api_keys WHERE user_id = $1 RETURNING id', [userId]);
    return rows.map((row) => row.id);
  }
}
