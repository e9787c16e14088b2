/**
 * Request-rate limits: one hard token bucket for the whole server, one per client, and a soft bucket that
 * only counts. A request passes when both its client's bucket and the global one have a token.
 *
 * Clients are whatever key the caller gives (the HTTP layer uses a hash of the credential, else the
 * address). Client buckets are created on first use; a full bucket is the same as a new one, so the map is
 * pruned of full buckets now and then and kept under `maxClients` (oldest first beyond that).
 */
import { monotonicMs, TokenBucket, type Clock } from './token-bucket.js';

export interface RateLimiterOptions {
  softPerSecond: number;
  hardPerSecond: number;
  clientPerSecond: number;
  maxClients?: number;
  now?: Clock;
}

export interface RateDecision {
  allowed: boolean;
  /** The bucket that refused the request. */
  limitedBy?: 'global' | 'client';
  /** The requests the tighter bucket allows at once (its capacity) and has left, and ms until it is full. */
  limit: number;
  remaining: number;
  resetMs: number;
  /** When refused: ms until the refusing bucket has a token again. */
  retryAfterMs: number;
  /** The request went over the soft rate (served, but counted). */
  overSoft: boolean;
}

/** A client bucket's answer when the bucket is held outside this process (in Redis, shared by the replicas). */
export type ClientVerdict = Pick<RateDecision, 'allowed' | 'limit' | 'remaining' | 'resetMs' | 'retryAfterMs'>;

/**
 * Client buckets shared by every replica (server/cluster/ implements it over Redis): takes one request from the
 * client's budget of `perSecond`. Never rejects: when the shared store is unreachable it answers from a bucket
 * in this process instead (each replica then limits on its own until the store is back).
 */
export interface SharedClientRates {
  take(clientKey: string, perSecond: number): Promise<ClientVerdict>;
}

const PRUNE_EVERY = 1024;

export class RateLimiter {
  private global: TokenBucket;
  private soft: TokenBucket;
  private readonly clients = new Map<string, TokenBucket>();
  private readonly maxClients: number;
  private readonly now: Clock;
  private checks = 0;

  constructor(private options: RateLimiterOptions) {
    this.now = options.now ?? monotonicMs;
    this.maxClients = options.maxClients ?? 10_000;
    this.global = new TokenBucket(options.hardPerSecond, options.hardPerSecond, this.now);
    this.soft = new TokenBucket(options.softPerSecond, options.softPerSecond, this.now);
  }

  check(clientKey: string): RateDecision {
    if (++this.checks % PRUNE_EVERY === 0 || this.clients.size > this.maxClients) this.prune();
    const client = this.bucketFor(clientKey);
    const overSoft = !this.soft.take();
    const refusedBy = client.msUntilToken() > 0 ? 'client' : this.global.msUntilToken() > 0 ? 'global' : undefined;
    if (refusedBy) {
      const bucket = refusedBy === 'client' ? client : this.global;
      return { allowed: false, limitedBy: refusedBy, ...this.figures(bucket), retryAfterMs: bucket.msUntilToken(), overSoft };
    }
    client.take();
    this.global.take();
    const tighter = client.remaining <= this.global.remaining ? client : this.global;
    return { allowed: true, ...this.figures(tighter), retryAfterMs: 0, overSoft };
  }

  /**
   * `check` with the client's bucket held elsewhere (`SharedClientRates`): the client's verdict is given, the
   * server-wide buckets are this process's (they guard this replica's capacity, so they stay per replica).
   */
  checkWith(client: ClientVerdict): RateDecision {
    const overSoft = !this.soft.take();
    const { allowed: _, ...clientFigures } = client;
    if (!client.allowed) return { allowed: false, limitedBy: 'client', ...clientFigures, overSoft };
    const wait = this.global.msUntilToken();
    if (wait > 0) return { allowed: false, limitedBy: 'global', ...this.figures(this.global), retryAfterMs: wait, overSoft };
    this.global.take();
    const global = this.figures(this.global);
    return { allowed: true, ...(client.remaining <= global.remaining ? clientFigures : global), retryAfterMs: 0, overSoft };
  }

  /** Ms until the server-wide bucket has a token (0 when it has one now). */
  serverWaitMs(): number {
    return this.global.msUntilToken();
  }

  /** Each client's requests per second now (Settings may change it). */
  get clientPerSecond(): number {
    return this.options.clientPerSecond;
  }

  /** New rates from Settings: the buckets start afresh (full) at the new figures. */
  setRates(rates: Pick<RateLimiterOptions, 'softPerSecond' | 'hardPerSecond' | 'clientPerSecond'>): void {
    this.options = { ...this.options, ...rates };
    this.global = new TokenBucket(rates.hardPerSecond, rates.hardPerSecond, this.now);
    this.soft = new TokenBucket(rates.softPerSecond, rates.softPerSecond, this.now);
    this.clients.clear();
  }

  /** Client buckets held now (for tests and metrics). */
  get trackedClients(): number {
    return this.clients.size;
  }

  private figures(bucket: TokenBucket) {
    return { limit: bucket.capacity, remaining: bucket.remaining, resetMs: bucket.msUntilFull() };
  }

  private bucketFor(key: string): TokenBucket {
    let bucket = this.clients.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.options.clientPerSecond, this.options.clientPerSecond, this.now);
      this.clients.set(key, bucket);
    }
    return bucket;
  }

  private prune(): void {
    for (const [key, bucket] of this.clients) if (bucket.isFull) this.clients.delete(key);
    // Down to 90 % so that a flood of new keys prunes once per 10 % of the map, not on every request.
    const target = Math.floor(this.maxClients * 0.9);
    for (const key of this.clients.keys()) {
      if (this.clients.size <= target) break;
      this.clients.delete(key);
    }
  }
}
