/**
 * OpenAI's response shapes as its published OpenAPI description (github.com/openai/openai-openapi,
 * `openapi.yaml`; the SDK's generated types follow it) defines them, for the fields this server sends, written
 * by hand as zod schemas so tests can hold every OpenAI-compatible answer to them. Strict where the spec is:
 * required fields must be there, with the spec's types, and an optional field is either absent or of its type
 * (never null unless the spec says nullable). Fields the spec does not know (Jan's `conversation`, our model
 * metadata) are allowed, as any client ignores them.
 *
 * Two places where the live API and the spec differ, and we follow the live API (both noted at the schema):
 * empty lists carry `first_id`/`last_id` null, and streamed legacy completions carry `finish_reason: null`
 * until their last chunk.
 */
import { z } from 'zod';

const int = z.number().int();

// --- Errors --------------------------------------------------------------------------------------------------

export const ErrorResponse = z.object({
  error: z.object({ message: z.string(), type: z.string(), param: z.string().nullable(), code: z.string().nullable() }),
});

// --- Chat completions ----------------------------------------------------------------------------------------

const PromptTokensDetails = z.object({ audio_tokens: int.optional(), cached_tokens: int.optional() });
const CompletionTokensDetails = z.object({
  accepted_prediction_tokens: int.optional(), audio_tokens: int.optional(), reasoning_tokens: int.optional(), rejected_prediction_tokens: int.optional(),
});

export const CompletionUsage = z.object({
  completion_tokens: int,
  prompt_tokens: int,
  total_tokens: int,
  prompt_tokens_details: PromptTokensDetails.optional(),
  completion_tokens_details: CompletionTokensDetails.optional(),
});

const ServiceTier = z.enum(['auto', 'default', 'flex', 'scale', 'priority']).nullable().optional();

const ChatCompletionMessageToolCall = z.object({
  id: z.string(),
  type: z.literal('function'),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

export const ChatCompletion = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: int,
  model: z.string(),
  system_fingerprint: z.string().optional(),
  service_tier: ServiceTier,
  choices: z.array(
    z.object({
      index: int,
      finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']),
      logprobs: z.object({ content: z.array(z.unknown()).nullable(), refusal: z.array(z.unknown()).nullable() }).nullable(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.string().nullable(),
        tool_calls: z.array(ChatCompletionMessageToolCall).optional(),
        annotations: z.array(z.unknown()).optional(),
      }),
    }),
  ),
  usage: CompletionUsage.optional(),
});

export const ChatCompletionChunk = z.object({
  id: z.string(),
  object: z.literal('chat.completion.chunk'),
  created: int,
  model: z.string(),
  system_fingerprint: z.string().optional(),
  service_tier: ServiceTier,
  choices: z.array(
    z.object({
      index: int,
      finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']).nullable(),
      logprobs: z.object({ content: z.array(z.unknown()).nullable(), refusal: z.array(z.unknown()).nullable() }).nullable().optional(),
      delta: z.object({
        role: z.enum(['developer', 'system', 'user', 'assistant', 'tool']).optional(),
        content: z.string().nullable().optional(),
        refusal: z.string().nullable().optional(),
        tool_calls: z
          .array(z.object({
            index: int,
            id: z.string().optional(),
            type: z.literal('function').optional(),
            function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
          }))
          .optional(),
      }),
    }),
  ),
  usage: CompletionUsage.nullable().optional(),
});

// --- Legacy completions --------------------------------------------------------------------------------------

const completionFields = {
  id: z.string(),
  object: z.literal('text_completion'),
  created: int,
  model: z.string(),
  system_fingerprint: z.string().optional(),
  usage: CompletionUsage.optional(),
};
const CompletionLogprobs = z.looseObject({}).nullable();

export const Completion = z.object({
  ...completionFields,
  choices: z.array(z.object({ index: int, text: z.string(), logprobs: CompletionLogprobs, finish_reason: z.enum(['stop', 'length', 'content_filter']) })),
});

/** The spec reuses `Completion` for stream chunks; the live API sends `finish_reason: null` before the last one. */
export const CompletionChunk = z.object({
  ...completionFields,
  usage: CompletionUsage.nullable().optional(),
  choices: z.array(z.object({ index: int, text: z.string(), logprobs: CompletionLogprobs, finish_reason: z.enum(['stop', 'length', 'content_filter']).nullable() })),
});

// --- Embeddings and models -----------------------------------------------------------------------------------

/** `embedding` is floats; with `encoding_format: "base64"` the API sends the base64 string the SDK decodes. */
export const CreateEmbeddingResponse = (encoding: 'float' | 'base64') =>
  z.object({
    object: z.literal('list'),
    model: z.string(),
    data: z.array(z.object({ object: z.literal('embedding'), index: int, embedding: encoding === 'float' ? z.array(z.number()) : z.string() })),
    usage: z.object({ prompt_tokens: int, total_tokens: int }),
  });

export const Model = z.object({ id: z.string(), object: z.literal('model'), created: int, owned_by: z.string() });
export const ListModelsResponse = z.object({ object: z.literal('list'), data: z.array(Model) });

// --- Lists -------------------------------------------------------------------------------------------------

/** A cursor-paginated list. The spec types first_id/last_id as strings; on an empty page the live API sends null. */
export const CursorList = <T extends z.ZodType>(item: T) =>
  z
    .object({ object: z.literal('list'), data: z.array(item), first_id: z.string().nullable(), last_id: z.string().nullable(), has_more: z.boolean() })
    .superRefine((list, ctx) => {
      const ids = (list.data as Array<{ id?: string }>).map((d) => d.id ?? null);
      const expected = { first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null };
      for (const key of ['first_id', 'last_id'] as const) {
        if (list[key] !== expected[key]) ctx.addIssue({ code: 'custom', path: [key], message: `${key} must be ${expected[key]}` });
      }
    });

// --- Files ---------------------------------------------------------------------------------------------------

export const OpenAIFile = z.object({
  id: z.string(),
  object: z.literal('file'),
  bytes: int,
  created_at: int,
  filename: z.string(),
  purpose: z.enum(['assistants', 'assistants_output', 'batch', 'batch_output', 'fine-tune', 'fine-tune-results', 'vision', 'user_data', 'evals']),
  status: z.enum(['uploaded', 'processed', 'error']),
  expires_at: int.optional(),
  status_details: z.string().optional(),
});

export const DeleteFileResponse = z.object({ id: z.string(), object: z.literal('file'), deleted: z.boolean() });

// --- Responses -----------------------------------------------------------------------------------------------

const Logprob = z.object({ token: z.string(), logprob: z.number(), bytes: z.array(int).optional(), top_logprobs: z.array(z.unknown()).optional() });

export const OutputText = z.object({ type: z.literal('output_text'), text: z.string(), annotations: z.array(z.unknown()), logprobs: z.array(Logprob).optional() });
const OutputRefusal = z.object({ type: z.literal('refusal'), refusal: z.string() });
const OutputContent = z.discriminatedUnion('type', [OutputText, OutputRefusal]);

export const OutputItem = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('message'),
    id: z.string(),
    role: z.literal('assistant'),
    status: z.enum(['in_progress', 'completed', 'incomplete']),
    content: z.array(OutputContent),
  }),
  z.object({
    type: z.literal('function_call'),
    id: z.string().optional(),
    call_id: z.string(),
    name: z.string(),
    arguments: z.string(),
    status: z.enum(['in_progress', 'completed', 'incomplete']).optional(),
  }),
]);

const FunctionTool = z.object({
  type: z.literal('function'),
  name: z.string(),
  description: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable(),
  strict: z.boolean().nullable(),
});

const TextFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({ type: z.literal('json_schema'), name: z.string(), schema: z.record(z.string(), z.unknown()), description: z.string().optional(), strict: z.boolean().nullable().optional() }),
]);

export const ResponseUsage = z.object({
  input_tokens: int,
  input_tokens_details: z.object({ cached_tokens: int, cache_write_tokens: int }),
  output_tokens: int,
  output_tokens_details: z.object({ reasoning_tokens: int }),
  total_tokens: int,
});

export const Response = z.object({
  id: z.string(),
  object: z.literal('response'),
  created_at: int,
  status: z.enum(['completed', 'failed', 'in_progress', 'cancelled', 'queued', 'incomplete']).optional(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  incomplete_details: z.object({ reason: z.enum(['max_output_tokens', 'content_filter']).optional() }).nullable(),
  instructions: z.union([z.string(), z.array(z.unknown())]).nullable(),
  model: z.string(),
  output: z.array(OutputItem),
  parallel_tool_calls: z.boolean(),
  metadata: z.record(z.string(), z.string()).nullable(),
  temperature: z.number().nullable(),
  top_p: z.number().nullable(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.object({ type: z.literal('function'), name: z.string() })]),
  tools: z.array(FunctionTool),
  background: z.boolean().nullable().optional(),
  conversation: z.object({ id: z.string() }).nullable().optional(),
  max_output_tokens: int.nullable().optional(),
  previous_response_id: z.string().nullable().optional(),
  reasoning: z.object({ effort: z.string().nullable().optional(), summary: z.string().nullable().optional() }).nullable().optional(),
  text: z.object({ format: TextFormat.optional() }).optional(),
  truncation: z.enum(['auto', 'disabled']).nullable().optional(),
  usage: ResponseUsage.optional(),
  user: z.string().optional(),
});

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) => z.object({ type: z.literal(type), sequence_number: int, ...shape });
const where = { item_id: z.string(), output_index: int };

/** Every `response.*` event this server streams, by `type`. */
export const ResponseStreamEvent = z.discriminatedUnion('type', [
  event('response.created', { response: Response }),
  event('response.in_progress', { response: Response }),
  event('response.completed', { response: Response }),
  event('response.incomplete', { response: Response }),
  event('response.output_item.added', { output_index: int, item: OutputItem }),
  event('response.output_item.done', { output_index: int, item: OutputItem }),
  event('response.content_part.added', { ...where, content_index: int, part: OutputContent }),
  event('response.content_part.done', { ...where, content_index: int, part: OutputContent }),
  event('response.output_text.delta', { ...where, content_index: int, delta: z.string(), logprobs: z.array(Logprob) }),
  event('response.output_text.done', { ...where, content_index: int, text: z.string(), logprobs: z.array(Logprob) }),
  event('response.function_call_arguments.delta', { ...where, delta: z.string() }),
  event('response.function_call_arguments.done', { ...where, arguments: z.string(), name: z.string() }),
]);

export const ResponseDeleted = z.object({ id: z.string(), object: z.literal('response'), deleted: z.boolean() });

// --- Conversations -------------------------------------------------------------------------------------------

export const Conversation = z.object({ id: z.string(), object: z.literal('conversation'), created_at: int, metadata: z.record(z.string(), z.string()).nullable() });
export const ConversationDeleted = z.object({ id: z.string(), object: z.literal('conversation.deleted'), deleted: z.boolean() });
export const ConversationMessage = z.object({
  type: z.literal('message'),
  id: z.string(),
  status: z.enum(['in_progress', 'completed', 'incomplete']),
  role: z.enum(['unknown', 'user', 'assistant', 'system', 'critic', 'discriminator', 'developer', 'tool']),
  content: z.array(z.object({ type: z.string() })),
});

/** One failure message listing every issue, so a test names the field that is off. */
export function shapeErrors(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
}
