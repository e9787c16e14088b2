import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

/** What the model did for one member in one clock hour (unix seconds), on one model. */
export interface UsageHourRow {
  hour_start: number;
  user_id: string;
  model: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  model_ms: number;
}

/** One line of a usage report: totals of a member, model or UTC day (`key`). */
export interface UsageTotalsRow {
  key: string;
  label: string;
  requests: number;
  errors: number;
  prompt_tokens: number;
  completion_tokens: number;
  model_ms: number;
}

export type UsageGroup = 'user' | 'model' | 'day';

const sums = `sum(h.requests) AS requests, sum(h.errors) AS errors, sum(h.prompt_tokens) AS prompt_tokens,
  sum(h.completion_tokens) AS completion_tokens, sum(h.model_ms) AS model_ms`;

const DAY = 86_400;

/**
 * Hourly usage per member and model, and hourly snapshots of each member's stored bytes (migration 013). Also
 * measures a member's stored bytes now (media files + conversation items), for the storage quota and the
 * snapshots.
 */
export class UsageRepo {
  private readonly addStmt;
  private readonly totalsStmts: Record<UsageGroup, Database.Statement<[number, number], UsageTotalsRow>>;
  private readonly generatedSinceStmt;
  private readonly snapshotStmt;
  private readonly storageByUserStmt;
  private readonly storageByDayStmt;
  private readonly mediaBytesStmt;
  private readonly conversationBytesStmt;

  constructor(private readonly db: Database.Database, private readonly timer: QueryTimer) {
    this.addStmt = db.prepare<UsageHourRow>(
      `INSERT INTO usage_hourly (hour_start, user_id, model, requests, errors, prompt_tokens, completion_tokens, model_ms)
       VALUES (@hour_start, @user_id, @model, @requests, @errors, @prompt_tokens, @completion_tokens, @model_ms)
       ON CONFLICT (hour_start, user_id, model) DO UPDATE SET
         requests = requests + excluded.requests, errors = errors + excluded.errors,
         prompt_tokens = prompt_tokens + excluded.prompt_tokens,
         completion_tokens = completion_tokens + excluded.completion_tokens, model_ms = model_ms + excluded.model_ms`,
    );
    const range = 'h.hour_start >= ? AND h.hour_start < ?';
    this.totalsStmts = {
      user: db.prepare(
        `SELECT h.user_id AS key, coalesce(u.name, h.user_id) AS label, ${sums}
         FROM usage_hourly h LEFT JOIN users u ON u.id = h.user_id WHERE ${range} GROUP BY h.user_id ORDER BY label, key`,
      ),
      model: db.prepare(`SELECT h.model AS key, h.model AS label, ${sums} FROM usage_hourly h WHERE ${range} GROUP BY h.model ORDER BY key`),
      day: db.prepare(
        `SELECT date(h.hour_start / ${DAY} * ${DAY}, 'unixepoch') AS key, date(h.hour_start / ${DAY} * ${DAY}, 'unixepoch') AS label, ${sums}
         FROM usage_hourly h WHERE ${range} GROUP BY h.hour_start / ${DAY} ORDER BY key`,
      ),
    };
    this.generatedSinceStmt = db
      .prepare<[string, number], number>('SELECT coalesce(sum(completion_tokens), 0) FROM usage_hourly WHERE user_id = ? AND hour_start >= ?')
      .pluck();
    this.snapshotStmt = db.prepare<[string, number, number]>(
      'INSERT INTO usage_storage (user_id, hour_start, bytes) VALUES (?, ?, ?) ON CONFLICT (user_id, hour_start) DO UPDATE SET bytes = excluded.bytes',
    );
    // Each member's latest snapshot before the end of the range (stored bytes are a level, not a sum).
    this.storageByUserStmt = db.prepare<[number], { key: string; label: string; bytes: number }>(
      `SELECT s.user_id AS key, coalesce(u.name, s.user_id) AS label, s.bytes AS bytes
       FROM (SELECT user_id, max(hour_start) AS hour_start FROM usage_storage WHERE hour_start < ? GROUP BY user_id) l
       JOIN usage_storage s ON s.user_id = l.user_id AND s.hour_start = l.hour_start
       LEFT JOIN users u ON u.id = s.user_id`,
    );
    // Per UTC day: the sum over members of each one's last snapshot that day.
    this.storageByDayStmt = db.prepare<[number, number], { key: string; bytes: number }>(
      `SELECT date(day * ${DAY}, 'unixepoch') AS key, sum(bytes) AS bytes FROM (
         SELECT hour_start / ${DAY} AS day, bytes,
                row_number() OVER (PARTITION BY hour_start / ${DAY}, user_id ORDER BY hour_start DESC) AS rank
         FROM usage_storage WHERE hour_start >= ? AND hour_start < ?)
       WHERE rank = 1 GROUP BY day`,
    );
    // A blob shared by two of the member's files is stored once, but each file counts (it is what they uploaded).
    this.mediaBytesStmt = db
      .prepare<[string], number>('SELECT coalesce(sum(b.bytes), 0) FROM media_files f JOIN media_blobs b ON b.sha256 = f.sha256 WHERE f.user_id = ?')
      .pluck();
    this.conversationBytesStmt = db
      .prepare<[string, string], number>(
        `SELECT (SELECT coalesce(sum(length(CAST(i.body AS BLOB))), 0) FROM items i JOIN conversations c ON c.seq = i.conversation_seq WHERE c.user_id = ?)
              + (SELECT coalesce(sum(length(CAST(metadata AS BLOB)) + coalesce(length(CAST(title AS BLOB)), 0)), 0) FROM conversations WHERE user_id = ?)`,
      )
      .pluck();
  }

  /** Adds the rows to what is stored (all in one transaction). */
  add(rows: readonly UsageHourRow[]): void {
    if (rows.length === 0) return;
    this.timer.run('usage_hourly.add', () => this.db.transaction(() => rows.forEach((row) => this.addStmt.run(row)))());
  }

  /** Totals of the hours starting in [from, to), grouped. */
  totals(group: UsageGroup, from: number, to: number): UsageTotalsRow[] {
    return this.timer.run('usage_hourly.totals', () => this.totalsStmts[group].all(from, to));
  }

  /** Generated tokens of a member in the hours starting at or after `since`. */
  generatedSince(userId: string, since: number): number {
    return this.timer.run('usage_hourly.generated_since', () => this.generatedSinceStmt.get(userId, since) ?? 0);
  }

  snapshotStorage(userId: string, hourStart: number, bytes: number): void {
    this.timer.run('usage_storage.snapshot', () => this.snapshotStmt.run(userId, hourStart, bytes));
  }

  /** Each member's stored bytes at their latest snapshot before `to`. */
  storageByUser(to: number): { key: string; label: string; bytes: number }[] {
    return this.timer.run('usage_storage.by_user', () => this.storageByUserStmt.all(to));
  }

  /** Stored bytes per UTC day of [from, to) (each member's last snapshot of the day, summed). */
  storageByDay(from: number, to: number): { key: string; bytes: number }[] {
    return this.timer.run('usage_storage.by_day', () => this.storageByDayStmt.all(from, to));
  }

  /** What a member stores now: media files plus conversations (items, titles, metadata), in bytes. */
  storedBytes(userId: string): number {
    return this.timer.run('usage.stored_bytes', () => this.mediaBytesStmt.get(userId)! + this.conversationBytesStmt.get(userId, userId)!);
  }
}
