/** PostgreSQL twin of sessions-repo.ts: dashboard sessions (a row is never un-revoked). */
import type { RepoApi } from '../repo-api.js';
import type { SessionAuthRow, SessionRow, SessionsRepo } from '../sessions-repo.js';
import type { PgSql } from './pg-sql.js';

const columns = 'id, user_id, created_at, expires_at, last_seen_at, revoked_at, created_by_api_key_id, user_agent, ip';
/** Active at the time given as `$1`. */
const active = 'revoked_at IS NULL AND expires_at > $1';

export class PgSessionsRepo implements RepoApi<SessionsRepo> {
  constructor(private readonly sql: PgSql) {}

  async insert(row: SessionRow): Promise<void> {
    await this.sql.run('sessions.insert', `INSERT INTO sessions (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
      row.id, row.user_id, row.created_at, row.expires_at, row.last_seen_at, row.revoked_at, row.created_by_api_key_id, row.user_agent, row.ip,
    ]);
  }

  async findForAuth(id: string): Promise<SessionAuthRow | undefined> {
    return this.sql.get(
      'sessions.find_for_auth',
      `SELECT s.id, s.user_id, u.role, s.expires_at, s.last_seen_at, s.revoked_at
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1 AND u.disabled_at IS NULL`,
      [id],
    );
  }

  async touch(id: string, at: number): Promise<void> {
    await this.sql.run('sessions.touch', 'UPDATE sessions SET last_seen_at = $1 WHERE id = $2', [at, id]);
  }

  /** Newest first; ties in reverse insertion order (`rowid` stands in for SQLite's). */
  async listActive(userId: string, now: number): Promise<SessionRow[]> {
    return this.sql.all(
      'sessions.list_active',
      `SELECT ${columns} FROM sessions WHERE user_id = $2 AND ${active} ORDER BY created_at DESC, rowid DESC`,
      [now, userId],
    );
  }

  async revoke(id: string, now: number, userId?: string): Promise<boolean> {
    const changed = userId === undefined
      ? await this.sql.run('sessions.revoke', `UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND ${active}`, [now, id])
      : await this.sql.run('sessions.revoke', `UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND ${active}`, [now, id, userId]);
    return changed === 1;
  }

  async revokeAllOfUser(userId: string, now: number): Promise<number> {
    return this.sql.run('sessions.revoke_user', `UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND ${active}`, [now, userId]);
  }

  async revokeByApiKey(keyId: string, now: number): Promise<number> {
    return this.sql.run('sessions.revoke_api_key', `UPDATE sessions SET revoked_at = $1 WHERE created_by_api_key_id = $2 AND ${active}`, [now, keyId]);
  }

  async deleteExpired(now: number): Promise<number> {
    return this.sql.run('sessions.delete_expired', 'DELETE FROM sessions WHERE expires_at <= $1', [now]);
  }
}
