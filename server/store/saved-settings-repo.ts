import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

export interface SavedSetting {
  key: string;
  /** The raw string, as the environment would give it. */
  value: string;
  /** Unix seconds. */
  updated_at: number;
  updated_by: string | null;
}

/** Options saved in Settings (table `saved_settings`, migration 010). Multi-key changes go through Store.transaction. */
export class SavedSettingsRepo {
  private readonly allStmt;
  private readonly upsertStmt;
  private readonly deleteStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.allStmt = db.prepare<[], SavedSetting>('SELECT key, value, updated_at, updated_by FROM saved_settings ORDER BY key');
    this.upsertStmt = db.prepare<[string, string, number, string | null]>(
      `INSERT INTO saved_settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    );
    this.deleteStmt = db.prepare<[string]>('DELETE FROM saved_settings WHERE key = ?');
  }

  all(): SavedSetting[] {
    return this.timer.run('saved_settings.all', () => this.allStmt.all());
  }

  set(key: string, value: string, updatedBy: string | null): void {
    this.timer.run('saved_settings.set', () => this.upsertStmt.run(key, value, Math.floor(Date.now() / 1000), updatedBy));
  }

  remove(key: string): void {
    this.timer.run('saved_settings.remove', () => this.deleteStmt.run(key));
  }
}
