/**
 * A token bucket: `capacity` tokens, refilled continuously at `ratePerSecond`. Each request takes one token;
 * an empty bucket means "over the rate". Refill is computed lazily from the clock on each call, so a bucket
 * costs nothing while idle, and a full bucket is indistinguishable from a new one (callers may drop it).
 *
 * Our own ~40 lines rather than a library: the limiters on npm (limiter, rate-limiter-flexible) are async,
 * store-backed or timer-driven; the middleware needs a synchronous take() that costs one clock read, and
 * the exact figures OpenAI's x-ratelimit-* headers report (remaining, time to full).
 */
export type Clock = () => number;

/** Milliseconds from a monotonic clock. */
export const monotonicMs: Clock = () => performance.now();

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number = ratePerSecond,
    private readonly now: Clock = monotonicMs,
  ) {
    if (!(ratePerSecond > 0) || !(capacity >= 1)) throw new RangeError('a token bucket needs a positive rate and a capacity of at least 1');
    this.tokens = capacity;
    this.updatedAt = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Whole tokens left now. */
  get remaining(): number {
    this.refill();
    return Math.floor(this.tokens);
  }

  /** Milliseconds until one token is available (0 when one is). */
  msUntilToken(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : ((1 - this.tokens) * 1000) / this.ratePerSecond;
  }

  /** Milliseconds until the bucket is full again. */
  msUntilFull(): number {
    this.refill();
    return ((this.capacity - this.tokens) * 1000) / this.ratePerSecond;
  }

  get isFull(): boolean {
    this.refill();
    return this.tokens >= this.capacity;
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.updatedAt;
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.updatedAt = now;
  }
}
