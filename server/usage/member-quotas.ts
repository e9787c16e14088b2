/**
 * Per-member quotas as an admin sets them. Read on every model request and storing write, so they are cached
 * in memory per member; `set()` replaces the cached entry, which is how a change applies to the next request
 * without a restart (one process owns the database).
 */
import { notFound } from '../errors/app-error.js';
import type { MemberQuotas, MemberQuotasBody } from '../api/usage.js';
import type { MemberQuotasRepo } from '../store/member-quotas-repo.js';
import type { RepoApi } from '../store/store.js';
import type { UsersRepo } from '../store/users-repo.js';

export interface QuotaLimits {
  requestsPerMinute: number | null;
  tokensPerDay: number | null;
  concurrentStreams: number | null;
  storageBytes: number | null;
}

export const NO_LIMITS: QuotaLimits = { requestsPerMinute: null, tokensPerDay: null, concurrentStreams: null, storageBytes: null };

/** Who changed a member's quotas, from what to what (for the audit log). */
export interface QuotaChange {
  actorId: string;
  userId: string;
  before: MemberQuotas;
  after: MemberQuotas;
}

export interface MemberQuotasDeps {
  quotas: RepoApi<MemberQuotasRepo>;
  users: Pick<RepoApi<UsersRepo>, 'get'>;
  /** Called after each change (the audit log listens here); awaited, so the entry is written when `set` resolves. */
  onChange?: (change: QuotaChange) => Promise<void> | void;
  now?: () => number;
}

const CACHE_MAX = 10_000;

export class MemberQuotasService {
  private readonly cache = new Map<string, QuotaLimits>();
  /** Counts changes: a read that a change overtook is answered but not cached (it may be the old row). */
  private changes = 0;

  constructor(private readonly deps: MemberQuotasDeps) {}

  /** The member's limits if they are cached (the usual case: no read, no promise); else `limits()`. */
  cachedLimits(userId: string): QuotaLimits | undefined {
    return this.cache.get(userId);
  }

  /** The member's limits now (no row: no limits). */
  async limits(userId: string): Promise<QuotaLimits> {
    let limits = this.cache.get(userId);
    if (!limits) {
      const changes = this.changes;
      const row = await this.deps.quotas.get(userId);
      limits = row
        ? { requestsPerMinute: row.requests_per_minute, tokensPerDay: row.tokens_per_day, concurrentStreams: row.concurrent_streams, storageBytes: row.storage_bytes }
        : NO_LIMITS;
      if (changes !== this.changes) return limits;
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(userId, limits);
    }
    return limits;
  }

  /** The member's quotas as the API shows them; 404 for an unknown member. */
  async get(userId: string): Promise<MemberQuotas> {
    await this.assertMember(userId);
    const row = await this.deps.quotas.get(userId);
    return {
      user_id: userId,
      requests_per_minute: row?.requests_per_minute ?? null,
      tokens_per_day: row?.tokens_per_day ?? null,
      concurrent_streams: row?.concurrent_streams ?? null,
      storage_bytes: row?.storage_bytes ?? null,
      updated_at: row?.updated_at ?? null,
    };
  }

  /** Changes the keys given (others keep their value); applies from the next request on. */
  async set(actorId: string, userId: string, body: MemberQuotasBody): Promise<MemberQuotas> {
    const before = await this.get(userId);
    const row = {
      user_id: userId,
      requests_per_minute: body.requests_per_minute === undefined ? before.requests_per_minute : body.requests_per_minute,
      tokens_per_day: body.tokens_per_day === undefined ? before.tokens_per_day : body.tokens_per_day,
      concurrent_streams: body.concurrent_streams === undefined ? before.concurrent_streams : body.concurrent_streams,
      storage_bytes: body.storage_bytes === undefined ? before.storage_bytes : body.storage_bytes,
      updated_at: Math.floor((this.deps.now ?? Date.now)() / 1000),
    };
    await this.deps.quotas.set(row);
    this.changes++;
    this.cache.delete(userId);
    const after: MemberQuotas = { ...row };
    await this.deps.onChange?.({ actorId, userId, before, after });
    return after;
  }

  private async assertMember(userId: string): Promise<void> {
    if (!(await this.deps.users.get(userId))) throw notFound('member', userId, 'id');
  }
}
