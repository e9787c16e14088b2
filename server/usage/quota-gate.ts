/**
 * Enforces a member's quotas before a request does its work (the HTTP layer calls `admit` once it knows who
 * asks). What counts:
 * - requests per minute: model requests (chat, completions, responses, messages, embeddings, Ollama
 *   chat/generate/embed, analysis) — a token bucket of that capacity refilled evenly over the minute; over it
 *   is a 429 with `x-ratelimit-*-requests` and `Retry-After`;
 * - tokens per day: tokens generated for the member since 00:00 UTC; a generating request is refused (429,
 *   `Retry-After` until midnight UTC) once they reach the quota. A request admitted under the quota runs to
 *   its end, so the day may close a little over it;
 * - concurrent streams: the member's streamed responses open at once (429 beyond);
 * - storage bytes: before a write that stores (uploads, conversations, stored responses, imports), what the
 *   member stores now plus the request's declared body size must fit, else 507 with both figures.
 * A member without quotas costs one map lookup per request once their (empty) quotas are cached.
 */
import { AppError } from '../errors/app-error.js';
import type { MemberLimits } from '../limits/index.js';
import type { RepoApi } from '../store/store.js';
import type { UsageRepo } from '../store/usage-repo.js';
import type { MemberQuotasService } from './member-quotas.js';
import { dayStartOf, type UsageRecorder } from './usage-recorder.js';

/** What the HTTP layer knows about the request. */
export interface QuotaRequest {
  /** It asks a model for work (counted against requests per minute). */
  model: boolean;
  /** It generates tokens (refused once the daily token quota is used up). */
  generates: boolean;
  stream: boolean;
  /** It stores data; the bytes it declares (Content-Length), 0 when unknown. */
  stores?: { bytes: number };
}

export interface Admission {
  /** Headers for the response (the member's own limits, OpenAI's `x-ratelimit-*` names). */
  headers: Record<string, string>;
  /** Gives the member's stream place back (when one was taken); idempotent. */
  release?: () => void;
}

const ADMITTED: Admission = { headers: {} };

/** A duration as OpenAI writes it in `x-ratelimit-reset-*` (`20ms`, `1.5s`, `6m0s`). */
export function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.ceil(ms)}ms`;
  const totalSeconds = Math.ceil(ms) / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds - hours * 3600) / 60);
  const seconds = Number((totalSeconds - hours * 3600 - minutes * 60).toFixed(3));
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  return minutes > 0 ? `${minutes}m${seconds}s` : `${seconds}s`;
}

export class QuotaGate {
  constructor(
    private readonly quotas: MemberQuotasService,
    private readonly limits: MemberLimits,
    private readonly recorder: UsageRecorder,
    private readonly usage: Pick<RepoApi<UsageRepo>, 'storedBytes'>,
  ) {}

  async admit(userId: string, request: QuotaRequest): Promise<Admission> {
    const q = this.quotas.cachedLimits(userId) ?? (await this.quotas.limits(userId));
    if (q.requestsPerMinute === null && q.tokensPerDay === null && q.concurrentStreams === null && q.storageBytes === null) return ADMITTED;
    const headers: Record<string, string> = {};
    if (request.stores && q.storageBytes !== null) await this.checkStorage(userId, q.storageBytes, request.stores.bytes);
    if (request.model && q.requestsPerMinute !== null) this.checkRate(userId, q.requestsPerMinute, headers);
    if (request.generates && q.tokensPerDay !== null) await this.checkTokens(userId, q.tokensPerDay, headers);
    let release: (() => void) | undefined;
    if (request.stream && q.concurrentStreams !== null) {
      release = this.limits.openStream(userId, q.concurrentStreams);
      if (!release) {
        throw new AppError(429, 'rate_limit_error', `Concurrent stream quota reached: ${q.concurrentStreams} streamed responses may be open at once for your account. Retry when one has ended.`, {
          code: 'concurrent_streams_exceeded',
          retryAfter: 1,
          headers,
        });
      }
    }
    return { headers, release };
  }

  /** Seconds until 00:00 UTC tomorrow, when the daily token quota starts afresh. */
  secondsToMidnight(): number {
    const now = Math.floor(this.recorder.now() / 1000);
    return dayStartOf(now) + 86_400 - now;
  }

  private checkRate(userId: string, perMinute: number, headers: Record<string, string>): void {
    const decision = this.limits.checkRate(userId, perMinute);
    headers['x-ratelimit-limit-requests'] = String(decision.limit);
    headers['x-ratelimit-remaining-requests'] = String(decision.remaining);
    headers['x-ratelimit-reset-requests'] = formatReset(decision.resetMs);
    if (decision.allowed) return;
    throw new AppError(429, 'rate_limit_error', `Request quota reached: ${perMinute} model requests per minute for your account. Retry after the time in Retry-After.`, {
      code: 'rate_limit_exceeded',
      retryAfter: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)),
      headers,
    });
  }

  private async checkTokens(userId: string, perDay: number, headers: Record<string, string>): Promise<void> {
    const used = await this.recorder.generatedToday(userId);
    const untilMidnight = this.secondsToMidnight();
    headers['x-ratelimit-limit-tokens'] = String(perDay);
    headers['x-ratelimit-remaining-tokens'] = String(Math.max(0, perDay - used));
    headers['x-ratelimit-reset-tokens'] = formatReset(untilMidnight * 1000);
    if (used < perDay) return;
    throw new AppError(429, 'rate_limit_error', `Daily token quota reached: ${used} of ${perDay} generated tokens used today (UTC). It resets at 00:00 UTC; retry after the time in Retry-After.`, {
      code: 'daily_token_quota_exceeded',
      retryAfter: untilMidnight,
      headers,
    });
  }

  private async checkStorage(userId: string, limit: number, incoming: number): Promise<void> {
    const used = await this.usage.storedBytes(userId);
    if (used + incoming <= limit && used < limit) return;
    const what = incoming > 0 ? ` and this request would add ${incoming}` : '';
    throw new AppError(507, 'invalid_request_error', `Storage quota reached: your account stores ${used} bytes of its ${limit}-byte quota (media files and conversations)${what}. Delete files or conversations, or ask an admin to raise the quota.`, {
      code: 'storage_quota_exceeded',
      headers: { 'x-storage-used-bytes': String(used), 'x-storage-limit-bytes': String(limit) },
    });
  }
}
