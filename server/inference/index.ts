/**
 * The inference domain: chat completions, legacy completions, embeddings and the Responses API over the
 * runtime, with conversation storage for Jan's `conversation` + `store`.
 * Other folders import this domain only through this file.
 */
export type { SseProducer } from './chat-service.js';
export { ConversationLink } from './conversation-link.js';
export { createInferenceServices } from './create-inference-services.js';
export type { InferenceDeps } from './create-inference-services.js';
export { InferenceRunner } from './inference-runner.js';
