/**
 * Per-client request rates shared by every replica: each client's budget of `perSecond` requests is one
 * counter in Redis (rate-limiter-flexible's RateLimiterRedis: an atomic INCR + PTTL script, a one-second
 * window), so N replicas behind a load balancer allow a client `perSecond`, not N × `perSecond`.
 *
 * A fixed one-second window rather than this process's token bucket: it is one round trip and one key per
 * client, and its worst case (a full window's burst at the end of one second and another at the start of the
 * next) is the same two-bucket burst a token bucket of capacity `perSecond` allows after an idle second.
 *
 * When Redis is unreachable (down, or slower than the link's command timeout) the request is FAILED OPEN to a
 * bucket in this process with the same figure (RateLimiterMemory) and counted in
 * `jan_redis_errors_total{operation="rate"}`: every replica still limits each client, at worst N × the figure,
 * instead of refusing all traffic because a shared counter is out of reach. Clients are still limited, the
 * outage is visible on /metrics and /readyz, and the guarantee returns with Redis.
 */
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { ClientVerdict, SharedClientRates } from '../limits/index.js';
import type { RedisLink } from './redis-link.js';

const WINDOW_SECONDS = 1;

export class RedisClientRates implements SharedClientRates {
  /** One limiter per figure: a changed JAN_CLIENT_RATE_LIMIT starts fresh counters under its own keys. */
  private readonly shared = new Map<number, RateLimiterRedis>();
  private readonly local = new Map<number, RateLimiterMemory>();

  constructor(
    private readonly link: RedisLink,
    private readonly prefix = 'jan:rate',
  ) {}

  async take(clientKey: string, perSecond: number): Promise<ClientVerdict> {
    const points = Math.max(1, Math.floor(perSecond));
    try {
      return verdict(points, await settle(this.limiter(points).consume(clientKey)));
    } catch (error) {
      this.link.failed('rate', error);
      return verdict(points, await settle(this.fallback(points).consume(clientKey)));
    }
  }

  private limiter(points: number): RateLimiterRedis {
    let limiter = this.shared.get(points);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: this.link.commands, keyPrefix: `${this.prefix}:${points}`, points, duration: WINDOW_SECONDS,
        // Fail at once while disconnected instead of waiting for a reconnect.
        rejectIfRedisNotReady: true,
      });
      this.shared.set(points, limiter);
    }
    return limiter;
  }

  private fallback(points: number): RateLimiterMemory {
    let limiter = this.local.get(points);
    if (!limiter) this.local.set(points, (limiter = new RateLimiterMemory({ points, duration: WINDOW_SECONDS })));
    return limiter;
  }
}

/** rate-limiter-flexible resolves when allowed and rejects with a RateLimiterRes when not; an Error is a store failure. */
async function settle(consumed: Promise<RateLimiterRes>): Promise<{ allowed: boolean; res: RateLimiterRes }> {
  try {
    return { allowed: true, res: await consumed };
  } catch (error) {
    if (error instanceof RateLimiterRes) return { allowed: false, res: error };
    throw error;
  }
}

function verdict(points: number, { allowed, res }: { allowed: boolean; res: RateLimiterRes }): ClientVerdict {
  return {
    allowed,
    limit: points,
    remaining: res.remainingPoints,
    resetMs: res.msBeforeNext,
    retryAfterMs: allowed ? 0 : res.msBeforeNext,
  };
}
