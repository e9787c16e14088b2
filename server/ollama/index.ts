/**
 * The Ollama adapter: Ollama's native API (`/api/*`) with its own shapes, mapped onto the chat, completions,
 * embeddings and models services that serve `/v1` (as Ollama maps the OpenAI API onto its own).
 * Other folders import this domain only through this file.
 */
export { ollamaChat, ollamaGenerate } from './ollama-chat.js';
export type { NdjsonProducer, NdjsonSend, OllamaDeps, OllamaReply } from './ollama-deps.js';
export { ollamaEmbed, ollamaEmbeddings } from './ollama-embed.js';
export { deleteModel, listRunning, listTags, showModel } from './ollama-models.js';
export { pullModel, type OllamaPuller } from './ollama-pull.js';

/** The Ollama release whose API these routes follow, for `GET /api/version` (clients gate features on it). */
export const OLLAMA_API_VERSION = '0.12.0';
