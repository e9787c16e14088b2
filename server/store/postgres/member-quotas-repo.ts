/** PostgreSQL twin of member-quotas-repo.ts: per-member limits (no row: no limits). */
import type { MemberQuotasRepo, MemberQuotasRow } from '../member-quotas-repo.js';
import type { RepoApi } from '../repo-api.js';
import type { AnnounceChange } from '../store-changes.js';
import type { PgSql } from './pg-sql.js';

const columns = 'user_id, requests_per_minute, tokens_per_day, concurrent_streams, storage_bytes, updated_at';

export class PgMemberQuotasRepo implements RepoApi<MemberQuotasRepo> {
  constructor(
    private readonly sql: PgSql,
    _announce: AnnounceChange,
  ) {}

  async get(userId: string): Promise<MemberQuotasRow | undefined> {
    return this.sql.get('member_quotas.get', `SELECT ${columns} FROM member_quotas WHERE user_id = $1`, [userId]);
  }

  async set(row: MemberQuotasRow): Promise<void> {
    await this.sql.run(
      'member_quotas.set',
      `INSERT INTO member_quotas (${columns}) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (user_id) DO UPDATE SET
         requests_per_minute = excluded.requests_per_minute, tokens_per_day = excluded.tokens_per_day,
         concurrent_streams = excluded.concurrent_streams, storage_bytes = excluded.storage_bytes,
         updated_at = excluded.updated_at`,
      [row.user_id, row.requests_per_minute, row.tokens_per_day, row.concurrent_streams, row.storage_bytes, row.updated_at],
    );
  }
}
