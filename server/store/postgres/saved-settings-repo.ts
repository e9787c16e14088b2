/** PostgreSQL twin of saved-settings-repo.ts: options saved in Settings; multi-key changes go through Store.transaction. */
import type { RepoApi } from '../repo-api.js';
import type { SavedSetting, SavedSettingsRepo } from '../saved-settings-repo.js';
import type { PgSql } from './pg-sql.js';

export class PgSavedSettingsRepo implements RepoApi<SavedSettingsRepo> {
  constructor(private readonly sql: PgSql) {}

  async all(): Promise<SavedSetting[]> {
    return this.sql.all('saved_settings.all', 'SELECT key, value, updated_at, updated_by FROM saved_settings ORDER BY key');
  }

  async set(key: string, value: string, updatedBy: string | null): Promise<void> {
    await this.sql.run(
      'saved_settings.set',
      `INSERT INTO saved_settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      [key, value, Math.floor(Date.now() / 1000), updatedBy],
    );
  }

  async remove(key: string): Promise<void> {
    await this.sql.run('saved_settings.remove', 'DELETE FROM saved_settings WHERE key = $1', [key]);
  }
}
