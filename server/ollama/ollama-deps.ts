/**
 * The services Ollama's API is mapped onto. Structural, so the routes pass the server's services as they are:
 * chat and generate run through the same chat and completions services as `/v1` (templates, grammars, tools,
 * slots, metrics), embeddings through the embeddings service, models through the models service.
 */
import type { ChatCompletionBody } from '../api/chat.js';
import type { CompletionBody } from '../api/completions.js';
import type { EmbeddingBody } from '../api/embeddings.js';
import type { SseProducer } from '../inference/index.js';
import type { ModelsService } from '../models/index.js';

export interface OllamaDeps {
  models: ModelsService;
  chat: { stream(userId: string, body: ChatCompletionBody, signal: AbortSignal): Promise<SseProducer> };
  completions: { stream(body: CompletionBody, signal: AbortSignal): Promise<SseProducer> };
  embeddings: {
    create(body: EmbeddingBody, signal: AbortSignal): Promise<{ data: Array<{ embedding: number[] | string }>; usage: { prompt_tokens: number } }>;
  };
}

/** Writes one line of an NDJSON stream. Services produce; http/ndjson.ts frames. */
export type NdjsonSend = (line: object) => void;
export type NdjsonProducer = (send: NdjsonSend) => Promise<void>;

/** A reply is one JSON object, or a stream of lines (`stream: true`, the default). */
export type OllamaReply = { json: object } | { stream: NdjsonProducer };

/** Nanoseconds on a monotonic clock, for Ollama's `*_duration` fields. */
export const nowNs = () => process.hrtime.bigint();
export const sinceNs = (start: bigint) => Number(process.hrtime.bigint() - start);
