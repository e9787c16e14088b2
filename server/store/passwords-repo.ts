import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';
import type { Role } from './users-repo.js';

/** What a login needs in one read: the account, its state and its password hash. */
export interface LoginRow {
  user_id: string;
  name: string;
  role: Role;
  disabled_at: number | null;
  hash: string;
}

/**
 * Password hashes (migration 012), one per account that has set a password. `login_name` mirrors the user's
 * name, unique case-insensitively, so that a login finds its account by primary-key-like lookup. The hash
 * string carries its own parameters (see team/password-hash.ts); this repo never sees a password.
 */
export class PasswordsRepo {
  private readonly upsertStmt;
  private readonly byLoginStmt;
  private readonly byUserStmt;
  private readonly renameStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.upsertStmt = db.prepare<{ user_id: string; login_name: string; hash: string; updated_at: number }>(
      `INSERT INTO passwords (user_id, login_name, hash, updated_at) VALUES (@user_id, @login_name, @hash, @updated_at)
       ON CONFLICT (user_id) DO UPDATE SET login_name = excluded.login_name, hash = excluded.hash, updated_at = excluded.updated_at`,
    );
    this.byLoginStmt = db.prepare<[string], LoginRow>(
      `SELECT u.id AS user_id, u.name, u.role, u.disabled_at, p.hash
       FROM passwords p JOIN users u ON u.id = p.user_id WHERE p.login_name = ?`,
    );
    this.byUserStmt = db.prepare<[string], string>('SELECT hash FROM passwords WHERE user_id = ?').pluck();
    this.renameStmt = db.prepare<[string, string]>('UPDATE passwords SET login_name = ? WHERE user_id = ?');
  }

  /** Sets (or replaces) a user's password hash; throws SQLITE_CONSTRAINT_UNIQUE when another account has that login name. */
  set(userId: string, loginName: string, hash: string, at: number): void {
    this.timer.run('passwords.set', () => this.upsertStmt.run({ user_id: userId, login_name: loginName, hash, updated_at: at }));
  }

  findByLogin(name: string): LoginRow | undefined {
    return this.timer.run('passwords.find_by_login', () => this.byLoginStmt.get(name));
  }

  hashOf(userId: string): string | undefined {
    return this.timer.run('passwords.hash_of', () => this.byUserStmt.get(userId));
  }

  /** Follows a rename of the account (no-op for an account without a password). */
  rename(userId: string, loginName: string): void {
    this.timer.run('passwords.rename', () => this.renameStmt.run(loginName, userId));
  }
}
