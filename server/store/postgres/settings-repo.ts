/** PostgreSQL twin of settings-repo.ts: small key/value facts the server keeps (e.g. the token signing secret). */
import type { RepoApi } from '../repo-api.js';
import type { SettingsRepo } from '../settings-repo.js';
import type { PgSql } from './pg-sql.js';

export class PgSettingsRepo implements RepoApi<SettingsRepo> {
  constructor(private readonly sql: PgSql) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.sql.get<{ value: string }>('settings.get', 'SELECT value FROM settings WHERE key = $1', [key]))?.value;
  }

  /**
   * Two statements, not one: replicas starting together race here, and a second statement (a new snapshot in
   * READ COMMITTED) sees the value the winner committed, which the losing INSERT's own statement could not.
   */
  async getOrCreate(key: string, create: () => string): Promise<string> {
    await this.sql.run('settings.get_or_create', 'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, create()]);
    return (await this.sql.get<{ value: string }>('settings.get_or_create', 'SELECT value FROM settings WHERE key = $1', [key]))!.value;
  }
}
