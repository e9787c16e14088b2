/**
 * The inference runtime as the rest of the server sees it. Two implementations: the node-llama-cpp one
 * (`llama-runtime.ts`, the only code that touches native inference) and a scripted fake for HTTP tests.
 *
 * A loaded model owns one context with `slotCount` parallel sequences ("slots"). The scheduler decides which
 * request runs on which slot; a model never runs two generations on one slot at once. Prompts are prepared
 * (rendered and tokenized) before a slot is chosen, so the scheduler can pick the slot whose KV cache already
 * holds the longest prefix of the prompt.
 */

/** Metadata read from a model file's GGUF header (no weights are read). */
export interface ModelFileInfo {
  /** `general.architecture`, e.g. `llama`. */
  architecture: string;
  /** `general.name` when present. */
  name: string | null;
  /** Total parameter count from the tensor shapes. */
  parameters: number;
  /** Storage type of most of the weights, e.g. `F16`, `Q4_K_M`. */
  quantization: string;
  /** Context length the model was trained with. */
  contextLength: number | null;
  /** Embedding width. */
  embeddingLength: number | null;
  /** Whether the file carries a chat template. */
  hasChatTemplate: boolean;
}

export interface LoadOptions {
  /** Tokens of KV cache per slot. Clamped to the model's trained context length. */
  contextSize: number;
  /** Parallel sequences (slots) in the model's context. */
  slots: number;
  /** CPU threads for evaluation. */
  threads: number;
}

/** One message of a chat prompt, already converted from the API's shapes. */
export type ChatTurn =
  | { role: 'system'; text: string }
  | { role: 'user'; text: string }
  | { role: 'assistant'; text: string; toolCalls?: ToolCallTurn[] };

/** A past tool call and its result (from the `tool` message that answered it). */
export interface ToolCallTurn {
  name: string;
  /** The arguments as the model wrote them (a JSON string). */
  arguments: string;
  result: string | null;
}

export interface ToolSpec {
  name: string;
  description?: string;
  /** JSON schema of the arguments object. */
  parameters?: Record<string, unknown>;
}

/**
 * How tools may be used. `auto`: the model decides (the chat template's function-calling syntax);
 * `required` or `{name}`: the output is constrained by grammar to a call of one of the tools (or that one).
 */
export type ToolMode = 'auto' | 'required' | { name: string };

export interface ChatPrompt {
  turns: ChatTurn[];
  tools?: ToolSpec[];
  toolMode?: ToolMode;
}

/** A rendered, tokenized prompt. Runtimes keep what they need in it; the rest of the server reads `tokenCount`. */
export interface PreparedPrompt {
  readonly tokenCount: number;
}

export type OutputFormat = { type: 'text' } | { type: 'json_object' } | { type: 'json_schema'; schema: Record<string, unknown> };

export interface GenerateOptions {
  /** Most tokens to generate; the result says `length` when it stops there. */
  maxTokens: number;
  /** 0 = greedy. */
  temperature?: number;
  topP?: number;
  topK?: number;
  minP?: number;
  seed?: number;
  /** Generation stops before any of these strings; they are not part of the text. */
  stop?: string[];
  frequencyPenalty?: number;
  presencePenalty?: number;
  /** Multiplicative repeat penalty (llama.cpp's `repeat_penalty`), 1 = off. */
  repeatPenalty?: number;
  format?: OutputFormat;
  /** Stops generation; the result comes back with `finishReason: 'aborted'` and the text so far. */
  signal?: AbortSignal;
  /** Called with each new piece of text as it is generated (never with an empty string). */
  onText?: (delta: string) => void;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'aborted';

export interface GeneratedToolCall {
  name: string;
  /** The arguments as a JSON string. */
  arguments: string;
}

export interface GenerationResult {
  text: string;
  finishReason: FinishReason;
  toolCalls: GeneratedToolCall[];
  promptTokens: number;
  /** Prompt tokens that were already in the slot's KV cache and were not evaluated again. */
  cachedTokens: number;
  completionTokens: number;
  /** The `stop` string that ended the generation, as the request gave it (only when one did). */
  stopSequence?: string;
}

export interface EmbeddingResult {
  vectors: number[][];
  promptTokens: number;
}

export interface LoadedModel {
  readonly slotCount: number;
  /** Tokens of context per slot. */
  readonly contextSize: number;
  /** Renders a chat prompt with the model's template and tokenizes it. Throws `PromptError` for bad input. */
  prepareChat(prompt: ChatPrompt): Promise<PreparedPrompt>;
  /** Tokenizes a raw completion prompt. */
  prepareCompletion(prompt: string): Promise<PreparedPrompt>;
  /** How many leading tokens of `prompt` slot `slot` already holds in its KV cache. */
  cachedPrefix(slot: number, prompt: PreparedPrompt): number;
  /** Runs one generation on `slot`. The caller guarantees the slot is not in use. */
  generate(slot: number, prompt: PreparedPrompt, options: GenerateOptions): Promise<GenerationResult>;
  /** Embeds each input (mean-pooled, unit length). Serialized inside the model. */
  embed(inputs: string[], signal?: AbortSignal): Promise<EmbeddingResult>;
  /**
   * Batched decode steps so far: `sequences / steps` is how many generations shared a step on average
   * (runtimes without continuous batching leave it out).
   */
  decodeStats?(): { steps: number; sequences: number; widest: number };
  /** Frees the context(s) and the weights. */
  dispose(): Promise<void>;
}

export interface InferenceRuntime {
  /** Reads the model file's header. Fast; no native code is loaded. */
  inspect(path: string): Promise<ModelFileInfo>;
  /** Loads a model file. The first call also loads the native library. */
  load(path: string, options: LoadOptions): Promise<LoadedModel>;
  /** Frees the native library. Loaded models must be disposed first. */
  close(): Promise<void>;
}

/** Input the model cannot take (too long for the context, a schema the grammar cannot express…). */
export class PromptError extends Error {
  override name = 'PromptError';
  constructor(
    message: string,
    readonly code: 'context_length_exceeded' | 'invalid_schema' | 'invalid_prompt',
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

/** The native library or the model file could not be loaded. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}
