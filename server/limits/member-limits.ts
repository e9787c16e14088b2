/**
 * Per-member limits an admin sets (team quotas): requests per minute and concurrent streams, each member with
 * their own figure. The same token bucket as the server-wide rate limit (rate-limiter.ts) and a count of open
 * streams, keyed by user id instead of credential, with the limit passed in on each call so
 * that a changed quota applies to the next request: a bucket made for another figure is replaced, and streams
 * open now count against the new figure.
 */
import { monotonicMs, TokenBucket, type Clock } from './token-bucket.js';
import type { RateDecision } from './rate-limiter.js';

const PRUNE_AT = 10_000;

export class MemberLimits {
  private readonly buckets = new Map<string, TokenBucket>();
  /** Open streams per member (members with none are not kept). */
  private readonly streams = new Map<string, number>();

  constructor(private readonly now: Clock = monotonicMs) {}

  /** Takes one request from the member's per-minute bucket (capacity `perMinute`, refilled evenly over a minute). */
  checkRate(userId: string, perMinute: number): RateDecision {
    let bucket = this.buckets.get(userId);
    if (!bucket || bucket.capacity !== perMinute) {
      if (this.buckets.size >= PRUNE_AT) this.prune();
      bucket = new TokenBucket(perMinute / 60, perMinute, this.now);
      this.buckets.set(userId, bucket);
    }
    const allowed = bucket.take();
    return {
      allowed,
      limitedBy: allowed ? undefined : 'client',
      limit: bucket.capacity,
      remaining: bucket.remaining,
      resetMs: bucket.msUntilFull(),
      retryAfterMs: allowed ? 0 : bucket.msUntilToken(),
      overSoft: false,
    };
  }

  /** Requests the member may still make now under `perMinute`, without taking one. */
  peekRate(userId: string, perMinute: number): number {
    const bucket = this.buckets.get(userId);
    return bucket && bucket.capacity === perMinute ? bucket.remaining : perMinute;
  }

  /** Takes one of the member's `max` stream places; the release function (idempotent), or undefined when all are taken. */
  openStream(userId: string, max: number): (() => void) | undefined {
    const open = this.streams.get(userId) ?? 0;
    if (open >= max) return undefined;
    this.streams.set(userId, open + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.streams.get(userId) ?? 1) - 1;
      if (left > 0) this.streams.set(userId, left);
      else this.streams.delete(userId);
    };
  }

  /** Streams a member has open now. */
  openStreams(userId: string): number {
    return this.streams.get(userId) ?? 0;
  }

  private prune(): void {
    for (const [key, bucket] of this.buckets) if (bucket.isFull) this.buckets.delete(key);
  }
}
