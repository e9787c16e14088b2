/**
 * The usage report an admin reads (`GET /v1/admin/usage`) and a member's own card (`GET /v1/usage/me`), over
 * the hourly counters and storage snapshots. Both flush the recorder first, so they include the last seconds.
 */
import type { MyUsage, UsageLine, UsageQuery, UsageReport } from '../api/usage.js';
import type { MemberLimits } from '../limits/index.js';
import type { RepoApi } from '../store/store.js';
import type { UsageRepo, UsageTotalsRow } from '../store/usage-repo.js';
import type { MemberQuotasService } from './member-quotas.js';
import { dayStartOf, type UsageRecorder } from './usage-recorder.js';

const HOUR = 3600;
const WEEK = 7 * 86_400;

const line = (row: UsageTotalsRow, storageBytes: number): UsageLine => ({
  key: row.key,
  label: row.label,
  requests: row.requests,
  errors: row.errors,
  prompt_tokens: row.prompt_tokens,
  completion_tokens: row.completion_tokens,
  model_seconds: Math.round(row.model_ms) / 1000,
  storage_bytes: storageBytes,
});

const zero = (key: string, label: string): UsageTotalsRow => ({ key, label, requests: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0, model_ms: 0 });

const status = (limit: number | null, used: number) => ({ limit, used, remaining: limit === null ? null : Math.max(0, limit - used) });

export class UsageService {
  constructor(
    private readonly repo: RepoApi<UsageRepo>,
    private readonly recorder: UsageRecorder,
    private readonly quotas: MemberQuotasService,
    private readonly limits: MemberLimits,
  ) {}

  async report(query: UsageQuery): Promise<UsageReport> {
    await this.recorder.flush();
    const to = query.to ?? Math.floor(this.recorder.now() / 1000);
    const from = query.from ?? Math.max(0, to - WEEK);
    // Hours are counted by their start: the hour `from` falls in is included, the one starting at `to` is not.
    const fromHour = Math.floor(from / HOUR) * HOUR;
    const rows = await this.repo.totals(query.group_by, fromHour, to);
    let data: UsageLine[];
    if (query.group_by === 'model') data = rows.map((row) => line(row, 0));
    else if (query.group_by === 'day') {
      const storage = new Map((await this.repo.storageByDay(fromHour, to)).map((s) => [s.key, s.bytes]));
      const byKey = new Map(rows.map((row) => [row.key, row]));
      for (const key of storage.keys()) if (!byKey.has(key)) byKey.set(key, zero(key, key));
      data = [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key)).map((row) => line(row, storage.get(row.key) ?? 0));
    } else {
      const storage = new Map((await this.repo.storageByUser(to)).map((s) => [s.key, s]));
      const byKey = new Map(rows.map((row) => [row.key, row]));
      for (const s of storage.values()) if (!byKey.has(s.key)) byKey.set(s.key, zero(s.key, s.label));
      data = [...byKey.values()].sort((a, b) => a.label.localeCompare(b.label) || a.key.localeCompare(b.key)).map((row) => line(row, storage.get(row.key)?.bytes ?? 0));
    }
    return { object: 'list', data, from, to, group_by: query.group_by };
  }

  /** The member's own totals (today, last 7 days), stored bytes now, and each quota's limit, use and what is left. */
  async me(userId: string): Promise<MyUsage> {
    await this.recorder.flush();
    const now = Math.floor(this.recorder.now() / 1000);
    const today = dayStartOf(now);
    const hour = Math.floor(now / HOUR) * HOUR;
    const totals = async (from: number) => {
      const row = (await this.repo.totals('user', from, hour + HOUR)).find((r) => r.key === userId) ?? zero(userId, userId);
      const { key: _key, label: _label, storage_bytes: _storage, ...rest } = line(row, 0);
      return rest;
    };
    const stored = await this.repo.storedBytes(userId);
    const q = await this.quotas.limits(userId);
    const todayTotals = await totals(today);
    const weekTotals = await totals(today - 6 * 86_400);
    return {
      object: 'usage.me',
      user_id: userId,
      today: todayTotals,
      last_7_days: weekTotals,
      storage_bytes: stored,
      quotas: {
        // Requests in the last minute are not kept; "used" is what the bucket has spent and not yet refilled.
        requests_per_minute: status(q.requestsPerMinute, q.requestsPerMinute === null ? 0 : q.requestsPerMinute - this.limits.peekRate(userId, q.requestsPerMinute)),
        tokens_per_day: { ...status(q.tokensPerDay, todayTotals.completion_tokens), resets_at: today + 86_400 },
        concurrent_streams: status(q.concurrentStreams, this.limits.openStreams(userId)),
        storage_bytes: status(q.storageBytes, stored),
      },
    };
  }
}
