import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';
import type { Role } from './users-repo.js';

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  last_seen_at: number;
  revoked_at: number | null;
  created_by_api_key_id: string | null;
  user_agent: string | null;
  ip: string | null;
}

/** What authenticating a request needs: the session's state and its user's current role, in one read (none for a disabled user). */
export interface SessionAuthRow {
  id: string;
  user_id: string;
  role: Role;
  expires_at: number;
  last_seen_at: number;
  revoked_at: number | null;
}

const columns = 'id, user_id, created_at, expires_at, last_seen_at, revoked_at, created_by_api_key_id, user_agent, ip';
const active = 'revoked_at IS NULL AND expires_at > @now';

/** Dashboard sessions (migration 007). A row is never un-revoked; expired rows are deleted by `deleteExpired`. */
export class SessionsRepo {
  private readonly insertStmt;
  private readonly forAuthStmt;
  private readonly touchStmt;
  private readonly listActiveStmt;
  private readonly revokeStmt;
  private readonly revokeOwnStmt;
  private readonly revokeUserStmt;
  private readonly revokeApiKeyStmt;
  private readonly deleteExpiredStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.insertStmt = db.prepare<SessionRow>(
      `INSERT INTO sessions (${columns})
       VALUES (@id, @user_id, @created_at, @expires_at, @last_seen_at, @revoked_at, @created_by_api_key_id, @user_agent, @ip)`,
    );
    this.forAuthStmt = db.prepare<[string], SessionAuthRow>(
      `SELECT s.id, s.user_id, u.role, s.expires_at, s.last_seen_at, s.revoked_at
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ? AND u.disabled_at IS NULL`,
    );
    this.touchStmt = db.prepare<[number, string]>('UPDATE sessions SET last_seen_at = ? WHERE id = ?');
    this.listActiveStmt = db.prepare<{ user_id: string; now: number }, SessionRow>(
      `SELECT ${columns} FROM sessions WHERE user_id = @user_id AND ${active} ORDER BY created_at DESC, rowid DESC`,
    );
    this.revokeStmt = db.prepare<{ id: string; now: number }>(`UPDATE sessions SET revoked_at = @now WHERE id = @id AND ${active}`);
    this.revokeOwnStmt = db.prepare<{ id: string; user_id: string; now: number }>(
      `UPDATE sessions SET revoked_at = @now WHERE id = @id AND user_id = @user_id AND ${active}`,
    );
    this.revokeUserStmt = db.prepare<{ user_id: string; now: number }>(
      `UPDATE sessions SET revoked_at = @now WHERE user_id = @user_id AND ${active}`,
    );
    this.revokeApiKeyStmt = db.prepare<{ key_id: string; now: number }>(
      `UPDATE sessions SET revoked_at = @now WHERE created_by_api_key_id = @key_id AND ${active}`,
    );
    this.deleteExpiredStmt = db.prepare<[number]>('DELETE FROM sessions WHERE expires_at <= ?');
  }

  insert(row: SessionRow): void {
    this.timer.run('sessions.insert', () => this.insertStmt.run(row));
  }

  /** The per-request read, by primary key. Revoked and expired rows are returned too: the caller decides. */
  findForAuth(id: string): SessionAuthRow | undefined {
    return this.timer.run('sessions.find_for_auth', () => this.forAuthStmt.get(id));
  }

  touch(id: string, at: number): void {
    this.timer.run('sessions.touch', () => this.touchStmt.run(at, id));
  }

  listActive(userId: string, now: number): SessionRow[] {
    return this.timer.run('sessions.list_active', () => this.listActiveStmt.all({ user_id: userId, now }));
  }

  /** Revokes one active session (of `userId` only, when given); false when there is no such active session. */
  revoke(id: string, now: number, userId?: string): boolean {
    return this.timer.run('sessions.revoke', () =>
      (userId === undefined ? this.revokeStmt.run({ id, now }) : this.revokeOwnStmt.run({ id, user_id: userId, now })).changes === 1,
    );
  }

  /** Revokes every active session of a user; answers how many. */
  revokeAllOfUser(userId: string, now: number): number {
    return this.timer.run('sessions.revoke_user', () => this.revokeUserStmt.run({ user_id: userId, now }).changes);
  }

  /** Revokes every active session made by logging in with the API key `keyId`; answers how many. */
  revokeByApiKey(keyId: string, now: number): number {
    return this.timer.run('sessions.revoke_api_key', () => this.revokeApiKeyStmt.run({ key_id: keyId, now }).changes);
  }

  /** Deletes sessions past their expiry, revoked or not (an index range scan over `expires_at`). */
  deleteExpired(now: number): number {
    return this.timer.run('sessions.delete_expired', () => this.deleteExpiredStmt.run(now).changes);
  }
}
