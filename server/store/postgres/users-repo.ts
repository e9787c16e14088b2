/** PostgreSQL twin of users-repo.ts: accounts and their roles. */
import type { RepoApi } from '../repo-api.js';
import type { MemberRow, Role, UserRow, UsersRepo } from '../users-repo.js';
import type { PgSql } from './pg-sql.js';

const columns = 'id, name, role, created_at, disabled_at';

export class PgUsersRepo implements RepoApi<UsersRepo> {
  constructor(private readonly sql: PgSql) {}

  async insert(row: Omit<UserRow, 'disabled_at'>): Promise<void> {
    await this.sql.run('users.insert', 'INSERT INTO users (id, name, role, created_at) VALUES ($1, $2, $3, $4)', [
      row.id, row.name, row.role, row.created_at,
    ]);
  }

  async get(id: string): Promise<UserRow | undefined> {
    return this.sql.get('users.get', `SELECT ${columns} FROM users WHERE id = $1`, [id]);
  }

  async owner(): Promise<UserRow | undefined> {
    return this.sql.get('users.owner', `SELECT ${columns} FROM users WHERE role = 'owner'`);
  }

  async update(id: string, name: string, role: Role): Promise<boolean> {
    return (await this.sql.run('users.update', 'UPDATE users SET name = $2, role = $3 WHERE id = $1', [id, name, role])) === 1;
  }

  /** Every account but guests, oldest first (ties in insertion order: the `rowid` column stands in for SQLite's). */
  async listMembers(): Promise<MemberRow[]> {
    return this.sql.all(
      'users.list_members',
      `SELECT ${columns}, NULLIF(GREATEST(
         COALESCE((SELECT MAX(last_seen_at) FROM sessions s WHERE s.user_id = u.id), 0),
         COALESCE((SELECT MAX(last_used_at) FROM api_keys k WHERE k.user_id = u.id), 0)), 0) AS last_seen_at
       FROM users u WHERE role <> 'guest' ORDER BY created_at, rowid`,
    );
  }

  /** Case-insensitive for ASCII only, as SQLite's NOCASE: lower() under the "C" collation folds nothing else. */
  async findByName(name: string): Promise<UserRow | undefined> {
    return this.sql.get(
      'users.find_by_name',
      `SELECT ${columns} FROM users WHERE role <> 'guest' AND lower(name) = lower($1::text COLLATE "C") LIMIT 1`,
      [name],
    );
  }

  async setRole(id: string, role: 'admin' | 'member'): Promise<boolean> {
    return (await this.sql.run('users.set_role', "UPDATE users SET role = $1 WHERE id = $2 AND role IN ('admin', 'member')", [role, id])) === 1;
  }

  async setDisabled(id: string, at: number | null): Promise<boolean> {
    return (await this.sql.run('users.set_disabled', "UPDATE users SET disabled_at = $1 WHERE id = $2 AND role <> 'owner'", [at, id])) === 1;
  }

  async rename(id: string, name: string): Promise<boolean> {
    return (await this.sql.run('users.rename', 'UPDATE users SET name = $1 WHERE id = $2', [name, id])) === 1;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.sql.run('users.delete', "DELETE FROM users WHERE id = $1 AND role <> 'owner'", [id])) === 1;
  }

  async countActiveAdmins(): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      'users.count_admins',
      "SELECT count(*) AS n FROM users WHERE role IN ('owner', 'admin') AND disabled_at IS NULL",
    );
    return row!.n;
  }
}
