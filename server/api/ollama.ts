/**
 * Ollama's native API (`/api/*`) as Ollama defines it (github.com/ollama/ollama docs/api.md): request bodies
 * and the JSON objects it answers. Unknown fields are ignored, as Ollama does; the options this server cannot
 * use (num_ctx, num_gpu, mirostat…) are accepted and ignored, as Ollama ignores those a runner does not know.
 */
import { z } from 'zod';

const ModelName = z.string({ error: 'model is required' }).min(1, 'model is required').max(256);

/** `keep_alive`: seconds, or a Go duration ("5m", "1h30m", "300ms"); negative keeps the model loaded. */
export const KeepAlive = z.union([z.number(), z.string().max(64)]);

const Stop = z.union([z.string().min(1), z.array(z.string().min(1)).max(16)]);

/** The runtime options this server applies; the rest of Ollama's options are accepted and ignored. */
export const OllamaOptions = z.looseObject({
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).max(100_000).optional(),
  min_p: z.number().min(0).max(1).optional(),
  seed: z.number().int().optional(),
  /** Most tokens to generate; -1 (default) or -2 = until the model stops or the context is full. */
  num_predict: z.number().int().optional(),
  stop: Stop.optional(),
  repeat_penalty: z.number().min(0).max(10).optional(),
  presence_penalty: z.number().min(-2).max(2).optional(),
  frequency_penalty: z.number().min(-2).max(2).optional(),
});
export type OllamaOptions = z.infer<typeof OllamaOptions>;

/** `"json"` (any JSON object), a JSON schema, or `""` (plain text). */
export const OllamaFormat = z.union([z.literal('json'), z.literal(''), z.record(z.string(), z.unknown())]);

const Images = z.array(z.string()).max(64);
const Think = z.union([z.boolean(), z.enum(['high', 'medium', 'low'])]);

export const OllamaToolCall = z.object({
  function: z.object({
    index: z.number().int().optional(),
    name: z.string().min(1).max(256),
    arguments: z.union([z.record(z.string(), z.unknown()), z.string().max(1_000_000)]).default({}),
  }),
});

export const OllamaMessage = z.object({
  role: z.enum(['system', 'user', 'assistant', 'tool']),
  content: z.string().max(10_000_000).default(''),
  images: Images.nullish(),
  tool_calls: z.array(OllamaToolCall).max(128).nullish(),
  /** A tool message: the function whose call it answers. */
  tool_name: z.string().max(256).optional(),
  thinking: z.string().optional(),
});
export type OllamaMessage = z.infer<typeof OllamaMessage>;

export const OllamaTool = z.object({
  type: z.literal('function').default('function'),
  function: z.object({
    name: z.string().regex(/^[\w-]{1,64}$/, 'function names are 1-64 letters, digits, underscores or dashes'),
    description: z.string().max(100_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** Fields chat and generate share. `stream` defaults to true, as in Ollama. */
const GenerationFields = {
  model: ModelName,
  stream: z.boolean().default(true),
  format: OllamaFormat.nullish(),
  options: OllamaOptions.nullish(),
  keep_alive: KeepAlive.nullish(),
  think: Think.nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.number().int().nullish(),
};

export const OllamaChatBody = z.object({
  ...GenerationFields,
  messages: z.array(OllamaMessage).max(10_000).default([]),
  tools: z.array(OllamaTool).max(128).nullish(),
});
export type OllamaChatBody = z.infer<typeof OllamaChatBody>;

export const OllamaGenerateBody = z.object({
  ...GenerationFields,
  prompt: z.string().max(10_000_000).default(''),
  system: z.string().max(10_000_000).nullish(),
  /** A Go template in Ollama's style; this server renders `.System`, `.Prompt`, `.Response` and `if`/`else`/`end`. */
  template: z.string().max(1_000_000).nullish(),
  /** The prompt goes to the model as it is, with no template. */
  raw: z.boolean().nullish(),
  suffix: z.string().nullish(),
  images: Images.nullish(),
  /** Token ids of an earlier answer (deprecated in Ollama); not supported here. */
  context: z.array(z.number().int()).max(1_000_000).nullish(),
});
export type OllamaGenerateBody = z.infer<typeof OllamaGenerateBody>;

export const OllamaEmbedBody = z.object({
  model: ModelName,
  input: z.union([z.string(), z.array(z.string()).max(2048)], { error: 'input must be a string or an array of strings' }).default([]),
  truncate: z.boolean().nullish(),
  dimensions: z.number().int().min(1).nullish(),
  options: OllamaOptions.nullish(),
  keep_alive: KeepAlive.nullish(),
});
export type OllamaEmbedBody = z.infer<typeof OllamaEmbedBody>;

/** The legacy `POST /api/embeddings`. */
export const OllamaEmbeddingsBody = z.object({
  model: ModelName,
  prompt: z.string().default(''),
  options: OllamaOptions.nullish(),
  keep_alive: KeepAlive.nullish(),
});
export type OllamaEmbeddingsBody = z.infer<typeof OllamaEmbeddingsBody>;

/** show, delete and pull name their model as `model` (or, in older clients, `name`). */
export const OllamaModelRef = z
  .object({ model: z.string().min(1).max(256).optional(), name: z.string().min(1).max(256).optional(), verbose: z.boolean().nullish() })
  .refine((body) => body.model !== undefined || body.name !== undefined, { message: 'model is required', path: ['model'] });
export type OllamaModelRef = z.infer<typeof OllamaModelRef>;

export const OllamaPullBody = z.object({
  model: z.string().max(256).optional(),
  name: z.string().max(256).optional(),
  insecure: z.boolean().nullish(),
  stream: z.boolean().nullish(),
});

// Answers.

/** Every error on these routes, with the status `/v1` would answer. */
export const OllamaError = z.object({ error: z.string() });

export const OllamaVersion = z.object({ version: z.string() });

export const OllamaModelDetails = z.object({
  parent_model: z.string(),
  format: z.literal('gguf'),
  family: z.string(),
  families: z.array(z.string()).nullable(),
  parameter_size: z.string(),
  quantization_level: z.string(),
});

const ModelSummary = {
  name: z.string(),
  model: z.string(),
  size: z.number().int(),
  /** Not the file's SHA-256: a SHA-256 of its path, size and modification time (hashing GBs per listing is not cheap). */
  digest: z.string(),
  details: OllamaModelDetails,
};

export const OllamaTags = z.object({ models: z.array(z.object({ ...ModelSummary, modified_at: z.string() })) });

export const OllamaPs = z.object({
  models: z.array(z.object({ ...ModelSummary, expires_at: z.string(), size_vram: z.number().int(), context_length: z.number().int() })),
});

export const OllamaShow = z.object({
  license: z.string(),
  modelfile: z.string(),
  parameters: z.string(),
  template: z.string(),
  system: z.string(),
  details: OllamaModelDetails,
  model_info: z.record(z.string(), z.unknown()),
  capabilities: z.array(z.string()),
  modified_at: z.string(),
});

const Timings = {
  done_reason: z.string().optional(),
  total_duration: z.number().int().optional(),
  load_duration: z.number().int().optional(),
  prompt_eval_count: z.number().int().optional(),
  prompt_eval_duration: z.number().int().optional(),
  eval_count: z.number().int().optional(),
  eval_duration: z.number().int().optional(),
};

/** One line of a chat stream, or the whole answer without streaming (then `done: true` with the timings). */
export const OllamaChatResponse = z.object({
  model: z.string(),
  created_at: z.string(),
  message: z.object({ role: z.literal('assistant'), content: z.string(), tool_calls: z.array(OllamaToolCall).optional() }),
  done: z.boolean(),
  ...Timings,
});

export const OllamaGenerateResponse = z.object({ model: z.string(), created_at: z.string(), response: z.string(), done: z.boolean(), ...Timings });

export const OllamaEmbedResponse = z.object({
  model: z.string(),
  embeddings: z.array(z.array(z.number())),
  total_duration: z.number().int(),
  load_duration: z.number().int(),
  prompt_eval_count: z.number().int(),
});

export const OllamaEmbeddingsResponse = z.object({ embedding: z.array(z.number()) });
