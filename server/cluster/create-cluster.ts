/**
 * The state replicas share through Redis (JAN_REDIS_URL), in one object the composition root creates when the
 * option is set (without it nothing here exists, and every limit, count and cache stays in this process as on
 * a desktop): per-client rate limits, login-failure counts, the scheduled jobs' leases, and the store's change
 * feed carried to the other replicas so that their response caches drop what a write here made stale.
 *
 * Sessions and API keys need nothing here: they are read from the database on every request (no copy is kept
 * in memory), so a revocation on one replica holds on all once they share PostgreSQL.
 */
import type { Logger } from 'pino';
import { invalidateOnStoreChanges } from '../cache/index.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { StoreChanges } from '../store/store-changes.js';
import { ChangeBroadcast } from './change-broadcast.js';
import { RedisJobLease } from './job-lease.js';
import { RedisLink } from './redis-link.js';
import { RedisClientRates } from './shared-rates.js';
import { SharedLoginThrottle } from './shared-login-throttle.js';

export interface ClusterOptions {
  /** The Redis URL (`redis://…` or `rediss://…`). */
  url: string;
  /** The store's change feed, published to the other replicas. */
  changes: StoreChanges;
  metrics?: Pick<Metrics, 'registry'>;
  logger?: Logger;
  /** Prefix of every key and channel (default `jan`): several deployments can share one Redis. */
  prefix?: string;
}

/** What a response cache must offer to follow the other replicas' writes. */
export interface SharedCache {
  invalidate(...tags: string[]): void;
  suspend(): void;
  resume(): void;
}

export type Cluster = ReturnType<typeof openCluster>;

export function openCluster(options: ClusterOptions) {
  const prefix = options.prefix ?? 'jan';
  const link = new RedisLink({ url: options.url, ...(options.metrics && { metrics: options.metrics }), ...(options.logger && { logger: options.logger }) });
  const broadcast = new ChangeBroadcast(link, options.changes, `${prefix}:store-changes`);
  let reachedOnce = false;
  return {
    /** Per-client request rates for LimitsService (`sharedClientRates`). */
    clientRates: new RedisClientRates(link, `${prefix}:rate`),
    /** The login throttle for the team domain (`loginThrottle`). */
    loginThrottle: new SharedLoginThrottle(link, { prefix: `${prefix}:login` }),
    /** The job runner's lease (`lease`). */
    jobLease: new RedisJobLease(link, `${prefix}:lease`),
    /** The changes other replicas committed, in the store feed's shape. */
    remoteChanges: broadcast.remote,

    /**
     * The cache drops what other replicas' writes made stale, and serves nothing while it cannot hear them
     * (until the subscription is first confirmed, and during an outage). Returns the unsubscribe function.
     */
    shareCache(cache: SharedCache): () => void {
      const stopInvalidating = invalidateOnStoreChanges(cache, broadcast.remote);
      const stopOutages = broadcast.onOutage({ down: () => cache.suspend(), up: () => cache.resume() });
      return () => {
        stopInvalidating();
        stopOutages();
      };
    },

    /** Settles when the changes published so far have reached Redis (awaited before a write's response). */
    published: (): Promise<void> => broadcast.published(),

    /**
     * Readiness (for /readyz): a replica is not ready until it has reached Redis once (answering a PING and
     * hearing the other replicas' changes). After that a Redis outage does not take it out of the balancer:
     * Redis is shared, so failing readiness would take every replica out at once, while each one can serve
     * safely without it (its cache is off, rate limits fall back to its own memory, scheduled rounds are
     * skipped). The outage shows in /v1/health as `degraded` (`redis_unreachable`) and on /metrics. Never rejects.
     */
    async ready(): Promise<boolean> {
      if (reachedOnce) return true;
      reachedOnce = broadcast.listening && (await link.ready());
      return reachedOnce;
    },

    /** For /v1/health: `redis_unreachable` while Redis does not answer or this replica does not hear the others. */
    degradedReasons(): string[] {
      return link.isUp && broadcast.listening ? [] : ['redis_unreachable'];
    },

    /** The last known state without a round trip (for /v1/health and the dashboard). */
    status(): { up: boolean; listening: boolean } {
      return { up: link.isUp, listening: broadcast.listening };
    },

    async close(): Promise<void> {
      await broadcast.close();
      await link.close();
    },
  };
}
