import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

export type Role = 'admin' | 'user' | 'guest';

export interface UserRow {
  id: string;
  name: string;
  role: Role;
  created_at: number;
}

export class UsersRepo {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly firstAdminStmt;
  private readonly updateStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.insertStmt = db.prepare<UserRow>('INSERT INTO users (id, name, role, created_at) VALUES (@id, @name, @role, @created_at)');
    this.getStmt = db.prepare<[string], UserRow>('SELECT id, name, role, created_at FROM users WHERE id = ?');
    this.firstAdminStmt = db.prepare<[], UserRow>(
      "SELECT id, name, role, created_at FROM users WHERE role = 'admin' ORDER BY created_at, rowid LIMIT 1",
    );
    this.updateStmt = db.prepare<{ id: string; name: string; role: Role }>('UPDATE users SET name = @name, role = @role WHERE id = @id');
  }

  insert(row: UserRow): void {
    this.timer.run('users.insert', () => this.insertStmt.run(row));
  }

  get(id: string): UserRow | undefined {
    return this.timer.run('users.get', () => this.getStmt.get(id));
  }

  firstAdmin(): UserRow | undefined {
    return this.timer.run('users.first_admin', () => this.firstAdminStmt.get());
  }

  update(id: string, name: string, role: Role): boolean {
    return this.timer.run('users.update', () => this.updateStmt.run({ id, name, role }).changes === 1);
  }
}
