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

/** OpenAI's metadata: at most 16 string pairs, keys ≤ 64 characters, values ≤ 512. */
export const Metadata = z
  .record(z.string().max(64, 'metadata keys are at most 64 characters'), z.string().max(512, 'metadata values are at most 512 characters'))
  .refine((m) => Object.keys(m).length <= 16, 'metadata has at most 16 keys');

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
