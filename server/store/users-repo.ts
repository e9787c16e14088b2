import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

/**
 * `owner`: exactly one, the desktop's admin (migration 012 enforces it); `admin` and `member`: team accounts;
 * `guest`: guest login (loopback and Jan compatibility).
 */
export type Role = 'owner' | 'admin' | 'member' | 'guest';

export interface UserRow {
  id: string;
  name: string;
  role: Role;
  created_at: number;
  /** Set while an admin has disabled the account: no credential of it authenticates. */
  disabled_at: number | null;
}

/** A team account as the members list shows it; `last_seen_at` is the latest use of one of its sessions or keys. */
export interface MemberRow extends UserRow {
  last_seen_at: number | null;
}

const columns = 'id, name, role, created_at, disabled_at';

export class UsersRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly ownerStmt;
  private readonly updateStmt;
  private readonly membersStmt;
  private readonly byNameStmt;
  private readonly setRoleStmt;
  private readonly setDisabledStmt;
  private readonly renameStmt;
  private readonly deleteStmt;
  private readonly activeAdminsStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.insertStmt = db.prepare<Omit<UserRow, 'disabled_at'>>('INSERT INTO users (id, name, role, created_at) VALUES (@id, @name, @role, @created_at)');
    this.getStmt = db.prepare<[string], UserRow>(`SELECT ${columns} FROM users WHERE id = ?`);
    this.ownerStmt = db.prepare<[], UserRow>(`SELECT ${columns} FROM users WHERE role = 'owner'`);
    this.updateStmt = db.prepare<{ id: string; name: string; role: Role }>('UPDATE users SET name = @name, role = @role WHERE id = @id');
    // Guests are anonymous loopback accounts, not team members: they are not listed.
    this.membersStmt = db.prepare<[], MemberRow>(
      `SELECT ${columns}, NULLIF(MAX(
         COALESCE((SELECT MAX(last_seen_at) FROM sessions s WHERE s.user_id = u.id), 0),
         COALESCE((SELECT MAX(last_used_at) FROM api_keys k WHERE k.user_id = u.id), 0)), 0) AS last_seen_at
       FROM users u WHERE role <> 'guest' ORDER BY created_at, rowid`,
    );
    this.byNameStmt = db.prepare<[string], UserRow>(`SELECT ${columns} FROM users WHERE role <> 'guest' AND name = ? COLLATE NOCASE LIMIT 1`);
    this.setRoleStmt = db.prepare<[Role, string]>("UPDATE users SET role = ? WHERE id = ? AND role IN ('admin', 'member')");
    this.setDisabledStmt = db.prepare<[number | null, string]>("UPDATE users SET disabled_at = ? WHERE id = ? AND role <> 'owner'");
    this.renameStmt = db.prepare<[string, string]>('UPDATE users SET name = ? WHERE id = ?');
    this.deleteStmt = db.prepare<[string]>("DELETE FROM users WHERE id = ? AND role <> 'owner'");
    this.activeAdminsStmt = db
      .prepare<[], number>("SELECT count(*) FROM users WHERE role IN ('owner', 'admin') AND disabled_at IS NULL")
      .pluck();
  }

  insert(row: Omit<UserRow, 'disabled_at'>): void {
    this.timer.run('users.insert', () => this.insertStmt.run(row));
  }

  get(id: string): UserRow | undefined {
    return this.timer.run('users.get', () => this.getStmt.get(id));
  }

  /** The one owner (undefined only before the first start made it). */
  owner(): UserRow | undefined {
    return this.timer.run('users.owner', () => this.ownerStmt.get());
  }

  update(id: string, name: string, role: Role): boolean {
    return this.timer.run('users.update', () => this.updateStmt.run({ id, name, role }).changes === 1);
  }

  /** Every account but guests, oldest first. */
  listMembers(): MemberRow[] {
    return this.timer.run('users.list_members', () => this.membersStmt.all());
  }

  /** A non-guest account with this name, compared case-insensitively (names are how members log in). */
  findByName(name: string): UserRow | undefined {
    return this.timer.run('users.find_by_name', () => this.byNameStmt.get(name));
  }

  /** Changes an admin's or member's role; never the owner's or a guest's. */
  setRole(id: string, role: 'admin' | 'member'): boolean {
    return this.timer.run('users.set_role', () => this.setRoleStmt.run(role, id).changes === 1);
  }

  /** Disables (at `at`) or enables (null) an account; never the owner. */
  setDisabled(id: string, at: number | null): boolean {
    return this.timer.run('users.set_disabled', () => this.setDisabledStmt.run(at, id).changes === 1);
  }

  rename(id: string, name: string): boolean {
    return this.timer.run('users.rename', () => this.renameStmt.run(name, id).changes === 1);
  }

  /** Deletes an account and, by the foreign keys' cascade, everything it still owns; never the owner. */
  delete(id: string): boolean {
    return this.timer.run('users.delete', () => this.deleteStmt.run(id).changes === 1);
  }

  /** Enabled accounts that may administer the server (the owner and the admins). */
  countActiveAdmins(): number {
    return this.timer.run('users.count_admins', () => this.activeAdminsStmt.get()!);
  }
}
