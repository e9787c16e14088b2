import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

export interface InvitationRow {
  id: string;
  code_hash: Buffer;
  role: 'admin' | 'member';
  name: string | null;
  /** A password-reset link's account; null for an invitation to join. */
  user_id: string | null;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
  revoked_at: number | null;
}

const columns = 'id, code_hash, role, name, user_id, created_by, created_at, expires_at, used_at, used_by, revoked_at';

/**
 * Invitations and password-reset links (migration 012). A code is looked up by its SHA-256; used and revoked
 * rows stay so that an old link can say why it no longer works. `claim` is the single-use gate: a
 * conditional UPDATE, so two accepts racing for one code cannot both win.
 */
export class InvitationsRepo {
  private readonly insertStmt;
  private readonly byHashStmt;
  private readonly pendingStmt;
  private readonly revokeStmt;
  private readonly revokeForUserStmt;
  private readonly claimStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.insertStmt = db.prepare<InvitationRow>(
      `INSERT INTO invitations (${columns}) VALUES (@id, @code_hash, @role, @name, @user_id, @created_by, @created_at, @expires_at, @used_at, @used_by, @revoked_at)`,
    );
    this.byHashStmt = db.prepare<[Buffer], InvitationRow>(`SELECT ${columns} FROM invitations WHERE code_hash = ?`);
    this.pendingStmt = db.prepare<[number], InvitationRow>(
      `SELECT ${columns} FROM invitations WHERE used_at IS NULL AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, seq DESC`,
    );
    this.revokeStmt = db.prepare<[number, string]>('UPDATE invitations SET revoked_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL');
    this.revokeForUserStmt = db.prepare<[number, string]>(
      'UPDATE invitations SET revoked_at = ? WHERE user_id = ? AND used_at IS NULL AND revoked_at IS NULL',
    );
    this.claimStmt = db.prepare<{ id: string; now: number; used_by: string }>(
      `UPDATE invitations SET used_at = @now, used_by = @used_by
       WHERE id = @id AND used_at IS NULL AND revoked_at IS NULL AND expires_at > @now`,
    );
  }

  insert(row: InvitationRow): void {
    this.timer.run('invitations.insert', () => this.insertStmt.run(row));
  }

  findByCodeHash(hash: Buffer): InvitationRow | undefined {
    return this.timer.run('invitations.find_by_code', () => this.byHashStmt.get(hash));
  }

  /** Unused, unrevoked and unexpired, newest first. */
  listPending(now: number): InvitationRow[] {
    return this.timer.run('invitations.list_pending', () => this.pendingStmt.all(now));
  }

  /** Revokes one pending invitation; false when there is none with that id still pending. */
  revoke(id: string, now: number): boolean {
    return this.timer.run('invitations.revoke', () => this.revokeStmt.run(now, id).changes === 1);
  }

  /** Revokes a member's pending reset links (a new one replaces them). */
  revokeForUser(userId: string, now: number): number {
    return this.timer.run('invitations.revoke_user', () => this.revokeForUserStmt.run(now, userId).changes);
  }

  /** Marks the invitation used by `usedBy` if it is still pending; false when it was used, revoked or expired meanwhile. */
  claim(id: string, usedBy: string, now: number): boolean {
    return this.timer.run('invitations.claim', () => this.claimStmt.run({ id, now, used_by: usedBy }).changes === 1);
  }
}
