/**
 * Anthropic's Messages API (`POST /v1/messages`, `POST /v1/messages/count_tokens`) as its clients send it.
 * Unknown fields are ignored (`cache_control`, `citations`, `thinking`, … mean nothing to a local model);
 * image and document blocks are accepted here and refused by the service with a clear message.
 */
import { z } from 'zod';

export const AnthropicTextBlock = z.object({ type: z.literal('text'), text: z.string() });

/** Pictures and files: local models here take text only (the service answers 400, naming the block). */
const UnsupportedBlock = (type: 'image' | 'document') => z.looseObject({ type: z.literal(type) });

const ToolUseId = z.string().min(1).max(256);

export const AnthropicToolUseBlock = z.object({
  type: z.literal('tool_use'),
  id: ToolUseId,
  name: z.string().min(1).max(256),
  input: z.record(z.string(), z.unknown()),
});

const knownTypes = (types: string[]) => (issue: { code?: string; note?: string }) =>
  issue.code === 'invalid_union' && issue.note === 'No matching discriminator' ? `unknown content block type; expected ${types.join(', ')}` : undefined;

/**
 * A string or an array of blocks. zod's union error says only "Invalid input"; this one names the block
 * and what is wrong with it (`[1].type: unknown content block type; …`).
 */
function stringOrBlocks<T extends z.ZodType>(blocks: T) {
  return z.union([z.string(), z.array(blocks).max(1000)], {
    error: (issue) => {
      const inner = issue.code === 'invalid_union' && Array.isArray(issue.input) ? issue.errors[1]?.[0] : undefined;
      if (!inner) return 'expected a string or an array of content blocks';
      const where = inner.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      return `${where}: ${inner.message}`;
    },
  });
}

const ResultBlock = z.discriminatedUnion('type', [AnthropicTextBlock, UnsupportedBlock('image'), UnsupportedBlock('document')], {
  error: knownTypes(['text', 'image', 'document']),
});

export const AnthropicToolResultBlock = z.object({
  type: z.literal('tool_result'),
  tool_use_id: ToolUseId,
  content: stringOrBlocks(ResultBlock).optional(),
  is_error: z.boolean().optional(),
});

export const AnthropicContentBlock = z.discriminatedUnion(
  'type',
  [AnthropicTextBlock, UnsupportedBlock('image'), UnsupportedBlock('document'), AnthropicToolUseBlock, AnthropicToolResultBlock],
  { error: knownTypes(['text', 'tool_use', 'tool_result', 'image', 'document']) },
);
export type AnthropicContentBlock = z.infer<typeof AnthropicContentBlock>;

export const AnthropicMessageParam = z.object({
  // `system` turns inside `messages` are what newer SDKs can send; the top-level `system` is the usual place.
  role: z.enum(['user', 'assistant', 'system']),
  content: stringOrBlocks(AnthropicContentBlock),
});
export type AnthropicMessageParam = z.infer<typeof AnthropicMessageParam>;

const ToolName = z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'tool names are 1-64 letters, digits, underscores or dashes');

export const AnthropicTool = z.object({
  type: z.literal('custom').optional(),
  name: ToolName,
  description: z.string().max(100_000).optional(),
  input_schema: z.record(z.string(), z.unknown()),
});

export const AnthropicToolChoice = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: ToolName, disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
]);

/** What a prompt is made of: shared by a message and a token count. */
const PromptFields = {
  model: z.string().min(1).max(256),
  system: stringOrBlocks(AnthropicTextBlock).optional(),
  messages: z.array(AnthropicMessageParam).min(1, 'messages must not be empty').max(10_000),
  tools: z.array(AnthropicTool).max(128).optional(),
  tool_choice: AnthropicToolChoice.optional(),
};

export const AnthropicMessagesBody = z.object({
  ...PromptFields,
  max_tokens: z.number().int().min(1),
  stop_sequences: z.array(z.string().min(1)).max(64).optional(),
  // Anthropic's range is 0–1; the default (when none is sent) is the server's, as on /v1/chat/completions.
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).max(100_000).optional(),
  metadata: z.object({ user_id: z.string().max(256).nullish() }).optional(),
  stream: z.boolean().optional(),
});
export type AnthropicMessagesBody = z.infer<typeof AnthropicMessagesBody>;

export const AnthropicCountTokensBody = z.object(PromptFields);
export type AnthropicCountTokensBody = z.infer<typeof AnthropicCountTokensBody>;

export const AnthropicStopReason = z.enum(['end_turn', 'max_tokens', 'stop_sequence', 'tool_use']);
export type AnthropicStopReason = z.infer<typeof AnthropicStopReason>;

export const AnthropicUsage = z.object({
  /** Prompt tokens not read from the KV cache (Anthropic's total input is the sum of the three). */
  input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  cache_creation_input_tokens: z.number().int(),
  /** Prompt tokens the slot's KV cache already held (llama.cpp's prompt cache). */
  cache_read_input_tokens: z.number().int(),
});
export type AnthropicUsage = z.infer<typeof AnthropicUsage>;

export const AnthropicResponseBlock = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.record(z.string(), z.unknown()) }),
]);
export type AnthropicResponseBlock = z.infer<typeof AnthropicResponseBlock>;

export const AnthropicMessage = z.object({
  id: z.string(),
  type: z.literal('message'),
  role: z.literal('assistant'),
  model: z.string(),
  content: z.array(AnthropicResponseBlock),
  stop_reason: AnthropicStopReason,
  stop_sequence: z.string().nullable(),
  usage: AnthropicUsage,
});
export type AnthropicMessage = z.infer<typeof AnthropicMessage>;

export const AnthropicTokenCount = z.object({ input_tokens: z.number().int() });

export const AnthropicErrorType = z.enum([
  'invalid_request_error', 'authentication_error', 'permission_error', 'not_found_error', 'rate_limit_error', 'api_error', 'overloaded_error',
]);
export type AnthropicErrorType = z.infer<typeof AnthropicErrorType>;

/** Anthropic's error body, which its routes answer instead of OpenAI's envelope. */
export const AnthropicErrorBody = z.object({
  type: z.literal('error'),
  error: z.object({ type: AnthropicErrorType, message: z.string() }),
});
