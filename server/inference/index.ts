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
export type { InferenceAccounting, InferenceJob, ModelUsage } from './inference-runner.js';
// For adapters of other APIs over the same generation path (server/anthropic/).
export type { SseSend } from './chat-service.js';
export { abortReason } from './abort-reason.js';
export { generatedId } from './generated-ids.js';
export { TurnBuilder } from './chat-messages.js';
export { samplingOptions, toolUse, type ToolChoiceInput } from './sampling-options.js';
