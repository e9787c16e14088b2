/**
 * With replicas sharing state through Redis (JAN_REDIS_URL): a request that may have written is answered only
 * once the store changes it announced have reached Redis, and so the other replicas (see
 * cluster/change-broadcast.ts `published()`). A client that sees its write acknowledged and then reads on
 * another replica therefore never gets that replica's cached copy from before the write. Costs a write one
 * Redis round trip (the PUBLISH was sent at commit; this waits for its answer); reads pass straight through.
 * Mounted only with Redis (app.ts).
 */
import type { AppMiddleware } from '../types.js';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function replicaWrites(cluster: { published(): Promise<void> }): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
    } finally {
      // Also after an error: a failed request may have committed a first step.
      if (!READS.has(ctx.method)) await cluster.published();
    }
  };
}
