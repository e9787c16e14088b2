/**
 * Ollama's API under `/api/*` (docs/api.md of github.com/ollama/ollama), over the same services as `/v1`,
 * with Ollama's shapes: errors are `{"error":"message"}` (middleware/error-handler.ts), streams NDJSON.
 * Credentials, limits and metrics are those of every other route.
 */
import {
  OllamaChatBody, OllamaChatResponse, OllamaEmbedBody, OllamaError, OllamaEmbeddingsBody, OllamaEmbeddingsResponse, OllamaEmbedResponse,
  OllamaGenerateBody, OllamaGenerateResponse, OllamaModelRef, OllamaPs, OllamaPullBody, OllamaShow, OllamaTags, OllamaVersion,
} from '../../api/ollama.js';
import {
  deleteModel, listRunning, listTags, ollamaChat, ollamaEmbed, ollamaEmbeddings, ollamaGenerate, OLLAMA_API_VERSION, pullModel, showModel,
  type OllamaReply,
} from '../../ollama/index.js';
import type { Services } from '../../create-services.js';
import { endpoint } from '../endpoint.js';
import { readJsonBody } from '../json-body.js';
import { streamLines } from '../ndjson.js';
import type { AppContext } from '../types.js';
import { validate } from '../validate.js';

const tags = ['ollama'];
/** For OpenAPI: every error on these routes is Ollama's `{"error":"message"}` (middleware/error-handler.ts). */
const errorResponse = OllamaError;
/** As /v1/chat/completions: loading, the wait for a slot and a whole unstreamed generation fit in 60 s. */
const INFERENCE_TIMEOUT_MS = 60_000;

/** A reply object as the body, or the lines streamed. */
function send(ctx: AppContext, reply: OllamaReply, s: Services): object | undefined {
  if ('json' in reply) return reply.json;
  streamLines(ctx, reply.stream, { metrics: s.metrics, logger: s.logger });
  return undefined;
}

export const version = endpoint({
  summary: 'Ollama: the Ollama API version these routes follow.', tags, errorResponse, access: 'public', response: OllamaVersion,
  handle: () => ({ version: OLLAMA_API_VERSION }),
});

export const list = endpoint({
  summary: 'Ollama: the installed models.', tags, errorResponse, response: OllamaTags,
  handle: (_, s) => listTags(s.models),
});

export const running = endpoint({
  summary: 'Ollama: the models in memory, with when each unloads if idle.', tags, errorResponse, response: OllamaPs,
  handle: (_, s) => listRunning(s.models),
});

export const show = endpoint({
  summary: 'Ollama: a model\'s details and GGUF header metadata.', tags, errorResponse, body: OllamaModelRef, response: OllamaShow,
  handle: ({ body }, s) => showModel(s.models, body),
});

export const chat = endpoint({
  summary: 'Ollama: chat (NDJSON lines unless `stream: false`).', tags, errorResponse, body: OllamaChatBody, response: OllamaChatResponse,
  timeoutMs: INFERENCE_TIMEOUT_MS,
  handle: async ({ body, principal, ctx }, s) => send(ctx, await ollamaChat(s, principal.userId, body, ctx.state.signal), s),
});

export const generate = endpoint({
  summary: 'Ollama: generate from a prompt (templated, or `raw`; NDJSON lines unless `stream: false`).', tags, errorResponse,
  body: OllamaGenerateBody, response: OllamaGenerateResponse, timeoutMs: INFERENCE_TIMEOUT_MS,
  handle: async ({ body, principal, ctx }, s) => send(ctx, await ollamaGenerate(s, principal.userId, body, ctx.state.signal), s),
});

export const embed = endpoint({
  summary: 'Ollama: embed one or more inputs.', tags, errorResponse, body: OllamaEmbedBody, response: OllamaEmbedResponse,
  timeoutMs: INFERENCE_TIMEOUT_MS,
  handle: ({ body, ctx }, s) => ollamaEmbed(s, body, ctx.state.signal),
});

export const embeddings = endpoint({
  summary: 'Ollama (legacy): embed one prompt.', tags, errorResponse, body: OllamaEmbeddingsBody, response: OllamaEmbeddingsResponse,
  timeoutMs: INFERENCE_TIMEOUT_MS,
  handle: ({ body, ctx }, s) => ollamaEmbeddings(s, body, ctx.state.signal),
});

export const pull = endpoint({
  summary: 'Ollama: pull `hf.co/{owner}/{repo}:{quantization}` from the model hub (progress as NDJSON lines by default).', tags, errorResponse,
  access: 'admin', body: OllamaPullBody, timeoutMs: INFERENCE_TIMEOUT_MS,
  async handle({ body, ctx }, s) {
    return send(ctx, await pullModel(s.pulls, body, ctx.state.signal), s);
  },
});

/** Bodies of DELETE requests are not part of the route table's schemas (OpenAPI keeps DELETE bodyless). */
const DELETE_BODY_LIMIT_BYTES = 64 * 1024;

export const remove = endpoint({
  summary: 'Ollama: delete a model\'s file (body `{"model": name}`); 200 with an empty body.', tags, errorResponse, access: 'admin',
  timeoutMs: INFERENCE_TIMEOUT_MS,
  async handle({ ctx }, s) {
    await deleteModel(s.models, validate(OllamaModelRef, await readJsonBody(ctx.req, DELETE_BODY_LIMIT_BYTES), 'body'));
    ctx.status = 200;
    ctx.body = '';
    return undefined;
  },
});
