/** The legacy `POST /v1/completions` (raw text in, text out), as OpenAI defines it. */
import { z } from 'zod';
import { FinishReason, SamplingFields, Usage } from './chat.js';

export const CompletionBody = z.object({
  ...SamplingFields,
  prompt: z.union([z.string(), z.array(z.string()).min(1).max(16)], {
    error: 'prompt must be a string or an array of at most 16 strings (token arrays are not supported)',
  }),
  max_tokens: z.number().int().min(1).nullish(),
  echo: z.boolean().nullish(),
  suffix: z.string().nullish(),
  logprobs: z.number().int().nullish().describe('Not supported: any number is refused (400 unsupported_value).'),
  best_of: z.number().int().nullish(),
});
export type CompletionBody = z.infer<typeof CompletionBody>;

export const Completion = z.object({
  id: z.string(),
  object: z.literal('text_completion'),
  created: z.number().int(),
  model: z.string(),
  system_fingerprint: z.string(),
  choices: z.array(z.object({ text: z.string(), index: z.number().int(), logprobs: z.null(), finish_reason: FinishReason })),
  usage: Usage,
});
