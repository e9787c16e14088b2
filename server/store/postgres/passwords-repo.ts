/**
 * PostgreSQL twin of passwords-repo.ts. SQLite's `login_name COLLATE NOCASE UNIQUE` is a unique index on
 * lower(login_name) here (the column is in the "C" collation, so lower() folds ASCII only, as NOCASE does);
 * a login compares lower() with lower(), which that index serves.
 */
import type { LoginRow, PasswordsRepo } from '../passwords-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { PgSql } from './pg-sql.js';

export class PgPasswordsRepo implements RepoApi<PasswordsRepo> {
  constructor(private readonly sql: PgSql) {}

  /** Throws a unique violation (23505, see unique-violation.ts) when another account has that login name. */
  async set(userId: string, loginName: string, hash: string, at: number): Promise<void> {
    await this.sql.run(
      'passwords.set',
      `INSERT INTO passwords (user_id, login_name, hash, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE SET login_name = excluded.login_name, hash = excluded.hash, updated_at = excluded.updated_at`,
      [userId, loginName, hash, at],
    );
  }

  async findByLogin(name: string): Promise<LoginRow | undefined> {
    return this.sql.get(
      'passwords.find_by_login',
      `SELECT u.id AS user_id, u.name, u.role, u.disabled_at, p.hash
       FROM passwords p JOIN users u ON u.id = p.user_id WHERE lower(p.login_name) = lower($1::text COLLATE "C")`,
      [name],
    );
  }

  async hashOf(userId: string): Promise<string | undefined> {
    return (await this.sql.get<{ hash: string }>('passwords.hash_of', 'SELECT hash FROM passwords WHERE user_id = $1', [userId]))?.hash;
  }

  async rename(userId: string, loginName: string): Promise<void> {
    await this.sql.run('passwords.rename', 'UPDATE passwords SET login_name = $1 WHERE user_id = $2', [loginName, userId]);
  }
}
