import { z } from 'zod';

export const Healthz = z.object({ status: z.literal('ok') });

export const Health = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  version: z.string(),
  uptime_seconds: z.number(),
  database: z.object({ status: z.enum(['ok', 'error']), schema_version: z.number().int(), journal_mode: z.string() }),
  /**
   * Only when `degraded`: which limits are over their soft figure or refused requests lately (e.g. `rate_hard_limit`),
   * and `disk_full` from a write that failed for lack of space until free space returns.
   */
  degraded_reasons: z.array(z.string()).optional(),
});
export type Health = z.infer<typeof Health>;
