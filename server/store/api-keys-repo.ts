import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';
import type { Role } from './users-repo.js';

export interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  suffix: string;
  hash: Buffer;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
}

export type ApiKeyInfo = Omit<ApiKeyRow, 'hash'>;

export interface ApiKeyOwner {
  key_id: string;
  hash: Buffer;
  expires_at: number | null;
  user_id: string;
  role: Role;
}

const infoColumns = 'id, user_id, name, prefix, suffix, created_at, expires_at, last_used_at';

export class ApiKeysRepo {
  private readonly insertStmt;
  private readonly byHashStmt;
  private readonly listStmt;
  private readonly deleteStmt;
  private readonly touchStmt;
  private readonly deleteUserStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.insertStmt = db.prepare<ApiKeyRow>(
      `INSERT INTO api_keys (id, user_id, name, prefix, suffix, hash, created_at, expires_at, last_used_at)
       VALUES (@id, @user_id, @name, @prefix, @suffix, @hash, @created_at, @expires_at, @last_used_at)`,
    );
    this.byHashStmt = db.prepare<[Buffer], ApiKeyOwner>(
      `SELECT k.id AS key_id, k.hash, k.expires_at, u.id AS user_id, u.role
       FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.hash = ? AND u.disabled_at IS NULL`,
    );
    this.listStmt = db.prepare<[string], ApiKeyInfo>(
      `SELECT ${infoColumns} FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, rowid DESC`,
    );
    this.deleteStmt = db.prepare<[string, string]>('DELETE FROM api_keys WHERE user_id = ? AND id = ?');
    this.touchStmt = db.prepare<[number, string]>('UPDATE api_keys SET last_used_at = ? WHERE id = ?');
    this.deleteUserStmt = db.prepare<[string], { id: string }>('DELETE FROM api_keys WHERE user_id = ? RETURNING id');
  }

  insert(row: ApiKeyRow): void {
    this.timer.run('api_keys.insert', () => this.insertStmt.run(row));
  }

  findByHash(hash: Buffer): ApiKeyOwner | undefined {
    return this.timer.run('api_keys.find_by_hash', () => this.byHashStmt.get(hash));
  }

  listByUser(userId: string): ApiKeyInfo[] {
    return this.timer.run('api_keys.list', () => this.listStmt.all(userId));
  }

  delete(userId: string, id: string): boolean {
    return this.timer.run('api_keys.delete', () => this.deleteStmt.run(userId, id).changes === 1);
  }

  touch(id: string, at: number): void {
    this.timer.run('api_keys.touch', () => this.touchStmt.run(at, id));
  }

  /** Revokes every key of a user (a disabled member's); answers the ids, so that sessions made from them end too. */
  deleteAllOfUser(userId: string): string[] {
    return this.timer.run('api_keys.delete_user', () => this.deleteUserStmt.all(userId).map((row) => row.id));
  }
}
