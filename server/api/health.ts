import { z } from 'zod';

export const Healthz = z.object({ status: z.literal('ok') });

export const Health = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  version: z.string(),
  uptime_seconds: z.number(),
  database: z.object({ status: z.enum(['ok', 'error']), schema_version: z.number().int(), journal_mode: z.string() }),
});
export type Health = z.infer<typeof Health>;
