/** Models: OpenAI's model object plus what the file's header says and whether it is in memory. */
import { z } from 'zod';

export const Model = z.object({
  id: z.string(),
  object: z.literal('model'),
  created: z.number().int(),
  owned_by: z.string(),
  status: z.enum(['loaded', 'loading', 'unloaded']),
  size_bytes: z.number().int(),
  architecture: z.string().nullable(),
  parameters: z.number().int().nullable(),
  quantization: z.string().nullable(),
  context_length: z.number().int().nullable(),
  error: z.string().optional(),
});

export const ModelList = z.object({ object: z.literal('list'), data: z.array(Model) });

export const ModelPath = z.object({ id: z.string().min(1).max(256) });

export const ModelImportBody = z.object({
  url: z.string().min(1).max(8192).optional(),
  path: z.string().min(1).max(4096).optional(),
  id: z.string().min(1).max(200).optional(),
  sha256: z.string().optional(),
  /** Progress as server-sent events (`import.progress`, then `import.completed`). */
  stream: z.boolean().optional(),
});
