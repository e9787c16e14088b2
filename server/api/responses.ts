/**
 * OpenAI's Responses API (`POST /v1/responses` and its stored responses), with Jan's `conversation`.
 * Function tools are accepted flat (`{type, name, parameters}`, OpenAI) or nested (`{type, function:{…}}`,
 * as Jan's collection sends them). Unknown fields are ignored.
 */
import { z } from 'zod';
import { ConversationRef, SamplingFields } from './chat.js';
import { ListQuery, Metadata } from './common.js';
import { ItemInput } from './items.js';

const FunctionName = z.string().regex(/^[\w-]{1,64}$/, 'function names are 1-64 letters, digits, underscores or dashes');
const FunctionFields = {
  name: FunctionName,
  description: z.string().max(100_000).nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
};

export const ResponseTool = z.union([
  z.object({ type: z.literal('function'), ...FunctionFields }),
  z.object({ type: z.literal('function'), function: z.object(FunctionFields) }),
]);

export const ResponseToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), name: FunctionName }),
]);

export const TextFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    name: z.string().max(64).optional(),
    description: z.string().optional(),
    schema: z.record(z.string(), z.unknown()),
    strict: z.boolean().nullish(),
  }),
]);

/** The sampling settings Responses shares with chat completions (not the penalties, which it lacks). */
const { temperature, top_p, top_k, min_p, seed, stop } = SamplingFields;

export const ResponseCreateBody = z.object({
  model: z.string().min(1).max(256),
  input: z.union([z.string(), z.array(ItemInput).min(1, 'input must not be empty').max(10_000)]),
  instructions: z.string().max(1_000_000).nullish(),
  previous_response_id: z.string().min(1).max(128).nullish(),
  conversation: ConversationRef.nullish(),
  store: z.boolean().nullish(),
  stream: z.boolean().nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  temperature, top_p, top_k, min_p, seed, stop,
  tools: z.array(ResponseTool).max(128).nullish(),
  tool_choice: ResponseToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.object({ format: TextFormat.nullish() }).nullish(),
  metadata: Metadata.nullish(),
  user: z.string().max(256).optional(),
  top_logprobs: z.number().int().min(0).max(20).nullish().describe('Not supported: above 0 it is refused (400 unsupported_value).'),
  include: z.array(z.string().max(256)).max(32).nullish().describe('`message.output_text.logprobs` is refused (400 unsupported_value); other values are accepted.'),
});
export type ResponseCreateBody = z.infer<typeof ResponseCreateBody>;

export const ResponseObject = z.looseObject({
  id: z.string(),
  object: z.literal('response'),
  created_at: z.number().int(),
  status: z.enum(['completed', 'incomplete', 'in_progress', 'failed']),
  model: z.string(),
  output: z.array(z.looseObject({ type: z.string(), id: z.string() })),
  usage: z
    .object({
      input_tokens: z.number().int(),
      input_tokens_details: z.object({ cached_tokens: z.number().int(), cache_write_tokens: z.number().int().describe('Always 0: llama.cpp reports no cache writes.') }),
      output_tokens: z.number().int(),
      output_tokens_details: z.object({ reasoning_tokens: z.number().int() }),
      total_tokens: z.number().int(),
    })
    .optional()
    .describe('Left out while the response is in progress.'),
});

export const ResponsePath = z.object({ id: z.string().min(1).max(128) });

export const InputItemsQuery = ListQuery;

export const InputItemList = z.object({
  object: z.literal('list'),
  data: z.array(z.looseObject({ id: z.string(), type: z.string() })),
  first_id: z.string().nullable(),
  last_id: z.string().nullable(),
  has_more: z.boolean(),
});
