import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

/** Small key/value facts the server keeps across restarts (e.g. the token signing secret). */
export class SettingsRepo {
  private readonly getStmt;
  private readonly insertIfMissingStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.getStmt = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.insertIfMissingStmt = db.prepare<[string, string]>('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)');
  }

  get(key: string): string | undefined {
    return this.timer.run('settings.get', () => this.getStmt.get(key)?.value);
  }

  /** Stores `create()` under `key` unless a value is there already; returns the stored value either way. */
  getOrCreate(key: string, create: () => string): string {
    return this.timer.run('settings.get_or_create', () => {
      this.insertIfMissingStmt.run(key, create());
      return this.getStmt.get(key)!.value;
    });
  }
}
