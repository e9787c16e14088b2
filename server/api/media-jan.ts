/** Shapes of Jan Server's media API (`/media/v1/media`), as its own Newman collection exercises it. */
import { z } from 'zod';

export const JanIngestBody = z.object({
  source: z.object({
    // Free text on purpose: an unknown type is Jan's "unknown source type" 400, not a schema error.
    type: z.string().max(64),
    data_url: z.string().optional(),
    url: z.string().max(8192).optional(),
  }),
  filename: z.string().max(1024).optional(),
  /** Jan's clients send it; the owner is always the caller. */
  user_id: z.string().max(256).optional(),
});
export type JanIngestBody = z.infer<typeof JanIngestBody>;

export const JanIngestResult = z.object({
  id: z.string(),
  mime: z.string(),
  bytes: z.number().int(),
  deduped: z.boolean(),
  presigned_url: z.string().describe('A signed, expiring download URL (no credentials needed).'),
});

export const JanPrepareUploadBody = z.object({
  mime_type: z.string().min(1).max(128),
  user_id: z.string().max(256).optional(),
});

export const JanUploadPreparation = z.object({
  id: z.string(),
  upload_url: z.string().describe('PUT the raw bytes here before it expires; the file then gets `id`.'),
  mime_type: z.string(),
  expires_in: z.number().int().describe('Seconds.'),
});

export const JanPresignResult = z.object({
  id: z.string(),
  url: z.string(),
  expires_in: z.number().int().describe('Seconds.'),
});

/** Any JSON object (e.g. a chat completion request); placeholders may be anywhere inside it. */
const Payload = z.record(z.string(), z.unknown());
export const JanResolveBody = z.object({ payload: Payload });
export const JanResolveResult = z.object({ payload: Payload });
