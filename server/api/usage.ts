/**
 * Team quotas and usage: an admin's per-member limits (`/v1/admin/members/{id}/quotas`), the usage report
 * (`/v1/admin/usage`) and a member's own usage card (`/v1/usage/me`). Times are unix seconds.
 */
import { z } from 'zod';

/** A limit: a positive whole number, or null for "no limit of this kind". */
const limit = (max: number) => z.number().int().min(1).max(max).nullable();

/** Every key optional: a key left out keeps its value (null sets "no limit"). Unknown keys are a 400. */
export const MemberQuotasBody = z.strictObject({
  /** Model requests (chat, completions, responses, messages, embeddings, Ollama chat/generate/embed) per minute. */
  requests_per_minute: limit(1_000_000).optional(),
  /** Tokens the model may generate for the member per UTC day. */
  tokens_per_day: limit(Number.MAX_SAFE_INTEGER).optional(),
  /** Streamed responses the member may have open at once. */
  concurrent_streams: limit(10_000).optional(),
  /** Bytes the member may store: media files plus conversations. */
  storage_bytes: limit(Number.MAX_SAFE_INTEGER).optional(),
});
export type MemberQuotasBody = z.infer<typeof MemberQuotasBody>;

export const MemberQuotas = z.object({
  user_id: z.string(),
  requests_per_minute: limit(1_000_000),
  tokens_per_day: limit(Number.MAX_SAFE_INTEGER),
  concurrent_streams: limit(10_000),
  storage_bytes: limit(Number.MAX_SAFE_INTEGER),
  /** When an admin last changed them; null when never set. */
  updated_at: z.number().int().nullable(),
});
export type MemberQuotas = z.infer<typeof MemberQuotas>;

export const MemberIdParams = z.object({ id: z.string().min(1).max(128) });

export const UsageGroupBy = z.enum(['user', 'model', 'day']);
export type UsageGroupBy = z.infer<typeof UsageGroupBy>;

const unixSeconds = z.coerce.number().int().min(0).max(100_000_000_000);

export const UsageQuery = z
  .object({
    /** Start of the range (default: 7 days before `to`); hours are counted by when they start. */
    from: unixSeconds.optional(),
    /** End of the range (default: now). */
    to: unixSeconds.optional(),
    group_by: UsageGroupBy.default('user'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: '`from` must not be after `to`', path: ['from'] });
export type UsageQuery = z.infer<typeof UsageQuery>;

const count = z.number().int().nonnegative();

export const UsageLine = z.object({
  /** The member's id, the model's id, or the UTC day (`YYYY-MM-DD`). */
  key: z.string(),
  /** The member's name (their id once deleted), the model id, or the day. */
  label: z.string(),
  requests: count,
  /** Model requests that failed (a runtime error, a full queue, a timeout); a client leaving is not one. */
  errors: count,
  prompt_tokens: count,
  completion_tokens: count,
  /** Seconds the model spent on the member's requests (time holding a slot). */
  model_seconds: z.number().nonnegative(),
  /** Stored bytes at the latest hourly snapshot in the range (0 when grouped by model). */
  storage_bytes: count,
});
export type UsageLine = z.infer<typeof UsageLine>;

export const UsageReport = z.object({
  object: z.literal('list'),
  data: z.array(UsageLine),
  from: z.number().int(),
  to: z.number().int(),
  group_by: UsageGroupBy,
});
export type UsageReport = z.infer<typeof UsageReport>;

const Totals = UsageLine.omit({ key: true, label: true, storage_bytes: true });

/** How much of a quota is used and left; `limit` and `remaining` are null without a limit. */
const QuotaStatus = z.object({ limit: count.nullable(), used: count, remaining: count.nullable() });

export const MyUsage = z.object({
  object: z.literal('usage.me'),
  user_id: z.string(),
  /** Since 00:00 UTC today. */
  today: Totals,
  /** The last 7 days, today included. */
  last_7_days: Totals,
  /** Bytes stored now: media files plus conversations. */
  storage_bytes: count,
  quotas: z.object({
    requests_per_minute: QuotaStatus,
    tokens_per_day: QuotaStatus.extend({ resets_at: z.number().int() }),
    concurrent_streams: QuotaStatus,
    storage_bytes: QuotaStatus,
  }),
});
export type MyUsage = z.infer<typeof MyUsage>;
