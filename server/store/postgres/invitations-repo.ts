/** PostgreSQL twin of invitations-repo.ts: invitations and reset links; `claim` is the single-use gate. */
import type { InvitationRow, InvitationsRepo } from '../invitations-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { PgSql } from './pg-sql.js';

const columns = 'id, code_hash, role, name, user_id, created_by, created_at, expires_at, used_at, used_by, revoked_at';
const pending = 'used_at IS NULL AND revoked_at IS NULL';

export class PgInvitationsRepo implements RepoApi<InvitationsRepo> {
  constructor(private readonly sql: PgSql) {}

  async insert(row: InvitationRow): Promise<void> {
    await this.sql.run('invitations.insert', `INSERT INTO invitations (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`, [
      row.id, row.code_hash, row.role, row.name, row.user_id, row.created_by, row.created_at, row.expires_at, row.used_at, row.used_by, row.revoked_at,
    ]);
  }

  async findByCodeHash(hash: Buffer): Promise<InvitationRow | undefined> {
    return this.sql.get('invitations.find_by_code', `SELECT ${columns} FROM invitations WHERE code_hash = $1`, [hash]);
  }

  async listPending(now: number): Promise<InvitationRow[]> {
    return this.sql.all(
      'invitations.list_pending',
      `SELECT ${columns} FROM invitations WHERE ${pending} AND expires_at > $1 ORDER BY created_at DESC, seq DESC`,
      [now],
    );
  }

  async revoke(id: string, now: number): Promise<boolean> {
    return (await this.sql.run('invitations.revoke', `UPDATE invitations SET revoked_at = $1 WHERE id = $2 AND ${pending}`, [now, id])) === 1;
  }

  async revokeForUser(userId: string, now: number): Promise<number> {
    return this.sql.run('invitations.revoke_user', `UPDATE invitations SET revoked_at = $1 WHERE user_id = $2 AND ${pending}`, [now, userId]);
  }

  /** A conditional UPDATE: of two claims racing for one code, the row lock lets exactly one match. */
  async claim(id: string, usedBy: string, now: number): Promise<boolean> {
    const changed = await this.sql.run(
      'invitations.claim',
      `UPDATE invitations SET used_at = $2, used_by = $3 WHERE id = $1 AND ${pending} AND expires_at > $2`,
      [id, now, usedBy],
    );
    return changed === 1;
  }
}
