/** PostgreSQL twin of uptime-repo.ts: the server's runs and their heartbeats. */
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import type { UptimeRepo, UptimeRunRow } from '../uptime-repo.js';
import type { PgSql } from './pg-sql.js';

export class PgUptimeRepo implements RepoApi<UptimeRepo> {
  constructor(
    private readonly sql: PgSql,
    _announce: AnnounceChange,
  ) {}

  async start(now: number, instance = ''): Promise<number> {
    const row = await this.sql.get<{ id: number }>(
      'uptime.start',
      'INSERT INTO uptime_runs (started_at, last_seen_at, instance) VALUES ($1, $1, $2) RETURNING id',
      [now, instance],
    );
    return Number(row!.id);
  }

  async beat(id: number, now: number): Promise<void> {
    await this.sql.run('uptime.beat', 'UPDATE uptime_runs SET last_seen_at = $1 WHERE id = $2', [now, id]);
  }

  async stop(id: number, now: number): Promise<void> {
    await this.sql.run('uptime.stop', 'UPDATE uptime_runs SET last_seen_at = $1, stopped_at = $1 WHERE id = $2', [now, id]);
  }

  /** Runs alive at or after `from`, plus the one seen last before it (whose end opens the first gap), oldest first. */
  async since(from: number): Promise<UptimeRunRow[]> {
    return this.sql.all(
      'uptime.since',
      `SELECT id, started_at, last_seen_at, stopped_at, instance FROM uptime_runs
       WHERE last_seen_at >= $1 OR id = (SELECT id FROM uptime_runs WHERE last_seen_at < $1 ORDER BY last_seen_at DESC, id DESC LIMIT 1)
       ORDER BY started_at, id`,
      [from],
    );
  }
}
