/**
 * Remote inference engines (JAN_ENGINES): OpenAI-compatible upstreams that chat, completions, embeddings and
 * responses for their models are proxied to, health-checked and balanced. Reached only through this file.
 */
export { EnginesService, type EnginesConfig, type EnginesOptions, type ModelRequest } from './engines-service.js';
export type { EngineReply } from './engine-forward.js';
