/**
 * PostgreSQL twin of usage-repo.ts: hourly usage per member and model, hourly snapshots of stored bytes, and a
 * member's stored bytes now. sum() of a BIGINT is NUMERIC in PostgreSQL, so sums are cast back to BIGINT; names
 * and ids are COLLATE "C" columns (baseline migration), so they sort bytewise, as in SQLite.
 */
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import type { UsageGroup, UsageHourRow, UsageRepo, UsageTotalsRow } from '../usage-repo.js';
import type { PgSql } from './pg-sql.js';

const sums = `sum(h.requests)::bigint AS requests, sum(h.errors)::bigint AS errors, sum(h.prompt_tokens)::bigint AS prompt_tokens,
  sum(h.completion_tokens)::bigint AS completion_tokens, sum(h.model_ms)::float8 AS model_ms`;

const DAY = 86_400;
/** The UTC day (YYYY-MM-DD) of a day number (unix seconds / DAY), as SQLite's date(…, 'unixepoch'). */
const dayKey = (dayNumber: string) => `to_char(DATE '1970-01-01' + (${dayNumber})::int, 'YYYY-MM-DD')`;

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const range = 'h.hour_start >= $1 AND h.hour_start < $2';
const totalsSql: Record<UsageGroup, string> = {
  user: `SELECT h.user_id AS key, coalesce(u.name, h.user_id) AS label, ${sums}
    FROM usage_hourly h LEFT JOIN users u ON u.id = h.user_id WHERE ${range}
    GROUP BY h.user_id, u.name ORDER BY coalesce(u.name, h.user_id), h.user_id`,
  model: `SELECT h.model AS key, h.model AS label, ${sums} FROM usage_hourly h WHERE ${range} GROUP BY h.model ORDER BY h.model`,
  day: `SELECT ${dayKey(`h.hour_start / ${DAY}`)} AS key, ${dayKey(`h.hour_start / ${DAY}`)} AS label, ${sums}
    FROM usage_hourly h WHERE ${range} GROUP BY h.hour_start / ${DAY} ORDER BY h.hour_start / ${DAY}`,
};

export class PgUsageRepo implements RepoApi<UsageRepo> {
  constructor(
    private readonly sql: PgSql,
    _announce: AnnounceChange,
  ) {}

  /**
   * Adds the rows to what is stored, all in one transaction. Rows go in key order: replicas flushing the same
   * hours at once then lock the rows in the same order and wait for each other instead of deadlocking.
   */
  async add(rows: readonly UsageHourRow[]): Promise<void> {
    if (rows.length === 0) return;
    const ordered = [...rows].sort((a, b) => a.hour_start - b.hour_start || compare(a.user_id, b.user_id) || compare(a.model, b.model));
    await this.sql.transaction(async () => {
      for (const row of ordered) {
        await this.sql.run(
          'usage_hourly.add',
          `INSERT INTO usage_hourly (hour_start, user_id, model, requests, errors, prompt_tokens, completion_tokens, model_ms)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (hour_start, user_id, model) DO UPDATE SET
             requests = usage_hourly.requests + excluded.requests, errors = usage_hourly.errors + excluded.errors,
             prompt_tokens = usage_hourly.prompt_tokens + excluded.prompt_tokens,
             completion_tokens = usage_hourly.completion_tokens + excluded.completion_tokens,
             model_ms = usage_hourly.model_ms + excluded.model_ms`,
          [row.hour_start, row.user_id, row.model, row.requests, row.errors, row.prompt_tokens, row.completion_tokens, row.model_ms],
        );
      }
    });
  }

  async totals(group: UsageGroup, from: number, to: number): Promise<UsageTotalsRow[]> {
    return this.sql.all('usage_hourly.totals', totalsSql[group], [from, to]);
  }

  async generatedSince(userId: string, since: number): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      'usage_hourly.generated_since',
      'SELECT coalesce(sum(completion_tokens), 0)::bigint AS n FROM usage_hourly WHERE user_id = $1 AND hour_start >= $2',
      [userId, since],
    );
    return row?.n ?? 0;
  }

  async snapshotStorage(userId: string, hourStart: number, bytes: number): Promise<void> {
    await this.sql.run(
      'usage_storage.snapshot',
      'INSERT INTO usage_storage (user_id, hour_start, bytes) VALUES ($1, $2, $3) ON CONFLICT (user_id, hour_start) DO UPDATE SET bytes = excluded.bytes',
      [userId, hourStart, bytes],
    );
  }

  /** Each member's latest snapshot before `to` (stored bytes are a level, not a sum). */
  async storageByUser(to: number): Promise<{ key: string; label: string; bytes: number }[]> {
    return this.sql.all(
      'usage_storage.by_user',
      `SELECT s.user_id AS key, coalesce(u.name, s.user_id) AS label, s.bytes AS bytes
       FROM (SELECT user_id, max(hour_start) AS hour_start FROM usage_storage WHERE hour_start < $1 GROUP BY user_id) l
       JOIN usage_storage s ON s.user_id = l.user_id AND s.hour_start = l.hour_start
       LEFT JOIN users u ON u.id = s.user_id
       ORDER BY s.user_id`,
      [to],
    );
  }

  /** Per UTC day of [from, to): the sum over members of each one's last snapshot that day. */
  async storageByDay(from: number, to: number): Promise<{ key: string; bytes: number }[]> {
    return this.sql.all(
      'usage_storage.by_day',
      `SELECT ${dayKey('day_number')} AS key, sum(bytes)::bigint AS bytes FROM (
         SELECT hour_start / ${DAY} AS day_number, bytes,
                row_number() OVER (PARTITION BY hour_start / ${DAY}, user_id ORDER BY hour_start DESC) AS rank
         FROM usage_storage WHERE hour_start >= $1 AND hour_start < $2) snapshots
       WHERE rank = 1 GROUP BY day_number ORDER BY day_number`,
      [from, to],
    );
  }

  /** Media files (each file counts, even when two share a blob) plus conversations (items, titles, metadata), in UTF-8 bytes. */
  async storedBytes(userId: string): Promise<number> {
    const row = await this.sql.get<{ n: number }>(
      'usage.stored_bytes',
      `SELECT ((SELECT coalesce(sum(b.bytes), 0) FROM media_files f JOIN media_blobs b ON b.sha256 = f.sha256 WHERE f.user_id = $1)
        + (SELECT coalesce(sum(octet_length(i.body)), 0) FROM items i JOIN conversations c ON c.seq = i.conversation_seq WHERE c.user_id = $1)
        + (SELECT coalesce(sum(octet_length(metadata) + coalesce(octet_length(title), 0)), 0) FROM conversations WHERE user_id = $1))::bigint AS n`,
      [userId],
    );
    return row?.n ?? 0;
  }
}
