/**
 * `POST /v1/chat/completions` as OpenAI defines it, plus llama.cpp's sampling extras (`top_k`, `min_p`,
 * `repeat_penalty`) and Jan's `conversation`/`store`. Unknown fields are ignored (clients send many).
 */
import { z } from 'zod';

const NestedText = z.object({ value: z.string() });

/** A content part; which types a model takes is decided by the service (text only, for now). */
export const ChatContentPart = z.looseObject({
  type: z.string().min(1).max(64),
  text: z.union([z.string(), NestedText]).optional(),
});
export type ChatContentPart = z.infer<typeof ChatContentPart>;

const Content = z.union([z.string(), z.array(ChatContentPart).max(1000)]);

export const ChatToolCall = z.object({
  id: z.string().min(1).max(256),
  type: z.literal('function').default('function'),
  function: z.object({ name: z.string().min(1).max(256), arguments: z.string().max(1_000_000) }),
});

export const ChatMessage = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['system', 'developer']), content: Content, name: z.string().max(256).optional() }),
  z.object({ role: z.literal('user'), content: Content, name: z.string().max(256).optional() }),
  z.object({
    role: z.literal('assistant'),
    content: Content.nullish(),
    tool_calls: z.array(ChatToolCall).max(128).optional(),
    name: z.string().max(256).optional(),
    refusal: z.string().nullish(),
  }),
  z.object({ role: z.literal('tool'), content: Content, tool_call_id: z.string().min(1).max(256) }),
]);
export type ChatMessage = z.infer<typeof ChatMessage>;

const FunctionName = z.string().regex(/^[\w-]{1,64}$/, 'function names are 1-64 letters, digits, underscores or dashes');

export const ChatTool = z.object({
  type: z.literal('function'),
  function: z.object({
    name: FunctionName,
    description: z.string().max(100_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullish(),
  }),
});

export const ToolChoice = z.union([
  z.enum(['none', 'auto', 'required']),
  z.object({ type: z.literal('function'), function: z.object({ name: FunctionName }) }),
]);

export const ResponseFormat = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text') }),
  z.object({ type: z.literal('json_object') }),
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string().max(64).optional(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

/** Jan's conversation reference: an id or `{id}`. */
export const ConversationRef = z.union([z.string().min(1).max(128), z.object({ id: z.string().min(1).max(128) })]);

export const Stop = z.union([z.string().min(1), z.array(z.string().min(1)).max(4)]).nullish();

/** Sampling fields shared with the legacy completions endpoint. */
export const SamplingFields = {
  model: z.string().min(1).max(256),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  top_k: z.number().int().min(0).max(100_000).nullish(),
  min_p: z.number().min(0).max(1).nullish(),
  seed: z.number().int().nullish(),
  stop: Stop,
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  repeat_penalty: z.number().min(0).max(10).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().max(256).optional(),
};

export const ChatCompletionBody = z.object({
  ...SamplingFields,
  messages: z.array(ChatMessage).min(1, 'messages must not be empty').max(10_000),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  response_format: ResponseFormat.nullish(),
  tools: z.array(ChatTool).max(128).nullish(),
  tool_choice: ToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  logprobs: z.boolean().nullish().describe('Not supported: `true` is refused (400 unsupported_value).'),
  top_logprobs: z.number().int().min(0).max(20).nullish().describe('Not supported: above 0 it is refused (400 unsupported_value).'),
  conversation: ConversationRef.nullish(),
  store: z.boolean().nullish(),
});
export type ChatCompletionBody = z.infer<typeof ChatCompletionBody>;

export const Usage = z.object({
  prompt_tokens: z.number().int(),
  completion_tokens: z.number().int(),
  total_tokens: z.number().int(),
  prompt_tokens_details: z.object({ cached_tokens: z.number().int() }).optional(),
  completion_tokens_details: z.object({ reasoning_tokens: z.number().int() }).optional(),
});

export const FinishReason = z.enum(['stop', 'length', 'tool_calls']);

export const ChatCompletion = z.object({
  id: z.string(),
  object: z.literal('chat.completion'),
  created: z.number().int(),
  model: z.string(),
  system_fingerprint: z.string().describe('`fp_…`: changes with the server version and the model.'),
  choices: z.array(
    z.object({
      index: z.number().int(),
      message: z.object({
        role: z.literal('assistant'),
        content: z.string().nullable(),
        refusal: z.null(),
        tool_calls: z.array(ChatToolCall).optional(),
      }),
      logprobs: z.null(),
      finish_reason: FinishReason,
    }),
  ),
  usage: Usage,
  conversation: z.object({ id: z.string(), title: z.string().nullable() }).optional(),
});
