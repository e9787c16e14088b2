/** PostgreSQL twin of audit-repo.ts: the append-only audit log, newest first with an `after` cursor. */
import type { AuditRepo, AuditRow } from '../audit-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { PgSql } from './pg-sql.js';

const columns = 'id, actor_id, actor_name, action, target, details, created_at';

export class PgAuditRepo implements RepoApi<AuditRepo> {
  constructor(private readonly sql: PgSql) {}

  async insert(row: AuditRow): Promise<void> {
    await this.sql.run('audit.insert', `INSERT INTO audit_log (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      row.id, row.actor_id, row.actor_name, row.action, row.target, row.details, row.created_at,
    ]);
  }

  /** An unknown cursor yields an empty page (its seq is NULL), never the first page again. */
  async list(limit: number, after?: string): Promise<AuditRow[]> {
    return after === undefined
      ? this.sql.all('audit.list', `SELECT ${columns} FROM audit_log ORDER BY seq DESC LIMIT $1`, [limit])
      : this.sql.all(
        'audit.list',
        `SELECT ${columns} FROM audit_log WHERE seq < (SELECT seq FROM audit_log WHERE id = $1) ORDER BY seq DESC LIMIT $2`,
        [after, limit],
      );
  }
}
