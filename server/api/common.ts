/** Shapes shared by several route groups. This folder imports only zod. */
import { z } from 'zod';

export const ErrorEnvelope = z.object({
  error: z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});

/**
 * OpenAI's metadata: at most 16 string pairs, keys ≤ 64 characters, values ≤ 512. The key rules are checked
 * on the whole record (not with a key schema) because zod reports a failing record key only as "Invalid key
 * in record", with the over-long key itself as the path.
 */
export const Metadata = z
  .record(z.string(), z.string().max(512, 'metadata values are at most 512 characters'))
  .superRefine((metadata, ctx) => {
    const keys = Object.keys(metadata);
    if (keys.length > 16) ctx.addIssue({ code: 'custom', message: `metadata has at most 16 keys (got ${keys.length})` });
    const long = keys.find((key) => key.length > 64);
    if (long !== undefined) {
      ctx.addIssue({ code: 'custom', message: `metadata keys are at most 64 characters ('${long.slice(0, 16)}…' has ${long.length})` });
    }
  })
  // The refinement above is invisible to JSON Schema; state the same limits for the OpenAPI document.
  .meta({ maxProperties: 16, propertyNames: { type: 'string', maxLength: 64 } });

export const SortOrder = z.enum(['asc', 'desc']);

/** `limit`/`after`/`order` as OpenAI's list endpoints take them (query strings, so numbers are coerced). */
export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().min(1).optional(),
  order: SortOrder.default('desc'),
});

export const DeletedObject = (object: string) =>
  z.object({ id: z.string(), object: z.literal(object), deleted: z.literal(true) });

export const PathId = z.object({ id: z.string().min(1).max(128) });
