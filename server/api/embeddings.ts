/** `POST /v1/embeddings`, as OpenAI defines it (text inputs; token-array inputs are refused). */
import { z } from 'zod';

export const EmbeddingBody = z.object({
  model: z.string().min(1).max(256),
  input: z.union([z.string(), z.array(z.string()).min(1, 'input must not be empty').max(2048)], {
    error: 'input must be a string or an array of strings (token arrays are not supported)',
  }),
  encoding_format: z.enum(['float', 'base64']).default('float'),
  dimensions: z.number().int().min(1).nullish(),
  user: z.string().max(256).optional(),
});
export type EmbeddingBody = z.infer<typeof EmbeddingBody>;

export const EmbeddingList = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ object: z.literal('embedding'), index: z.number().int(), embedding: z.union([z.array(z.number()), z.string()]) })),
  model: z.string(),
  usage: z.object({ prompt_tokens: z.number().int(), total_tokens: z.number().int() }),
});
