import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

export interface AuditRow {
  id: string;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target: string | null;
  /** JSON text. */
  details: string;
  created_at: number;
}

const columns = 'id, actor_id, actor_name, action, target, details, created_at';

/** The audit log of admin actions (migration 012): append-only, listed newest first with an `after` cursor. */
export class AuditRepo {
  private readonly insertStmt;
  private readonly firstPageStmt;
  private readonly afterStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.insertStmt = db.prepare<AuditRow>(
      `INSERT INTO audit_log (${columns}) VALUES (@id, @actor_id, @actor_name, @action, @target, @details, @created_at)`,
    );
    this.firstPageStmt = db.prepare<[number], AuditRow>(`SELECT ${columns} FROM audit_log ORDER BY seq DESC LIMIT ?`);
    // An unknown cursor yields an empty page (its seq is NULL), never the first page again.
    this.afterStmt = db.prepare<{ after: string; limit: number }, AuditRow>(
      `SELECT ${columns} FROM audit_log WHERE seq < (SELECT seq FROM audit_log WHERE id = @after) ORDER BY seq DESC LIMIT @limit`,
    );
  }

  insert(row: AuditRow): void {
    this.timer.run('audit.insert', () => this.insertStmt.run(row));
  }

  /** Up to `limit` entries, newest first, older than the entry `after` when given. */
  list(limit: number, after?: string): AuditRow[] {
    return this.timer.run('audit.list', () =>
      after === undefined ? this.firstPageStmt.all(limit) : this.afterStmt.all({ after, limit }),
    );
  }
}
