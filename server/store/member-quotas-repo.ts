import type Database from 'better-sqlite3';
import type { QueryTimer } from './query-timer.js';

/** A member's limits; `null` is "no limit of this kind". Times in unix seconds. */
export interface MemberQuotasRow {
  user_id: string;
  requests_per_minute: number | null;
  tokens_per_day: number | null;
  concurrent_streams: number | null;
  storage_bytes: number | null;
  updated_at: number;
}

const columns = 'user_id, requests_per_minute, tokens_per_day, concurrent_streams, storage_bytes, updated_at';

/** Per-member quotas (migration 013); a member without a row has no limits. */
export class MemberQuotasRepo {
  private readonly getStmt;
  private readonly upsertStmt;

  constructor(db: Database.Database, private readonly timer: QueryTimer) {
    this.getStmt = db.prepare<[string], MemberQuotasRow>(`SELECT ${columns} FROM member_quotas WHERE user_id = ?`);
    this.upsertStmt = db.prepare<MemberQuotasRow>(
      `INSERT INTO member_quotas (${columns})
       VALUES (@user_id, @requests_per_minute, @tokens_per_day, @concurrent_streams, @storage_bytes, @updated_at)
       ON CONFLICT (user_id) DO UPDATE SET
         requests_per_minute = excluded.requests_per_minute, tokens_per_day = excluded.tokens_per_day,
         concurrent_streams = excluded.concurrent_streams, storage_bytes = excluded.storage_bytes,
         updated_at = excluded.updated_at`,
    );
  }

  get(userId: string): MemberQuotasRow | undefined {
    return this.timer.run('member_quotas.get', () => this.getStmt.get(userId));
  }

  /** Replaces the member's quotas (the member must exist: the foreign key refuses others). */
  set(row: MemberQuotasRow): void {
    this.timer.run('member_quotas.set', () => this.upsertStmt.run(row));
  }
}
