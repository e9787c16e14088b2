/**
 * Cluster: the state several replicas share through Redis (JAN_REDIS_URL) — per-client rate limits, login
 * throttling, the scheduled jobs' leases, and response-cache invalidation carried between replicas.
 * Other folders import this domain only through this file.
 */
export { openCluster, type Cluster, type ClusterOptions, type SharedCache } from './create-cluster.js';
export { RedisLink } from './redis-link.js';
export { RedisClientRates } from './shared-rates.js';
export { SharedLoginThrottle } from './shared-login-throttle.js';
export { RedisJobLease } from './job-lease.js';
export { ChangeBroadcast } from './change-broadcast.js';
