/**
 * `POST /api/chat` and `POST /api/generate`. Chat and templated generate run on the chat service (the
 * model's chat template, grammars for `format`, tools); `raw` or a `template` of the request's own runs the
 * text on the completions service. `keep_alive` becomes the model's idle TTL once the request has the model;
 * a request with no messages (chat) or an empty prompt (generate) only loads the model, or unloads it with
 * `keep_alive: 0`, as Ollama does.
 */
import type { OllamaChatBody, OllamaGenerateBody } from '../api/ollama.js';
import type { SseProducer } from '../inference/index.js';
import { renderTemplate } from './go-template.js';
import { idleTtlOf } from './keep-alive.js';
import { modelIdOf, orModelNotFound } from './model-names.js';
import type { OllamaDeps, OllamaReply } from './ollama-deps.js';
import { beginRequest, chatShape, generateShape, reply, type OllamaRequest, type ReplyShape } from './ollama-generation.js';
import {
  chatRequest, completionRequest, generateChatRequest, refuseUnsupported, refuseUnsupportedGenerate,
} from './ollama-requests.js';

/** Loads the model (or unloads it for `keep_alive: 0`) and says which, with no generation. */
async function loadOnly(deps: OllamaDeps, name: string, ttl: number | null | undefined, shape: ReplyShape): Promise<OllamaReply> {
  if (ttl === 0) {
    await orModelNotFound(name, () => deps.models.unload(modelIdOf(name)));
  } else {
    const request = await beginRequest(deps.models, name);
    deps.models.setIdleTtl(request.id, ttl);
  }
  return { json: { model: name, created_at: new Date().toISOString(), ...shape.piece(''), done: true, done_reason: ttl === 0 ? 'unload' : 'load' } };
}

/** Starts the generation (404/400/503 still get a status), then applies keep_alive while the request holds the model. */
async function generate(
  deps: OllamaDeps,
  name: string,
  ttl: number | null | undefined,
  start: () => Promise<SseProducer>,
): Promise<{ request: OllamaRequest; produce: SseProducer }> {
  const request = await beginRequest(deps.models, name);
  const produce = await orModelNotFound(name, start);
  deps.models.setIdleTtl(request.id, ttl);
  return { request, produce };
}

/** The service call for a generate request, its body built now: bad input is a 400 before any model loads. */
function generateStart(deps: OllamaDeps, userId: string, body: OllamaGenerateBody, signal: AbortSignal): () => Promise<SseProducer> {
  const id = modelIdOf(body.model);
  if (!body.raw && !body.template) {
    const chat = generateChatRequest(id, body);
    return () => deps.chat.stream(userId, chat, signal);
  }
  const text = body.raw ? body.prompt : renderTemplate(body.template!, { System: body.system ?? '', Prompt: body.prompt });
  const completion = completionRequest(id, text, body);
  return () => deps.completions.stream(completion, signal);
}

export async function ollamaChat(deps: OllamaDeps, userId: string, body: OllamaChatBody, signal: AbortSignal): Promise<OllamaReply> {
  refuseUnsupported(body);
  const ttl = idleTtlOf(body.keep_alive);
  if (body.messages.length === 0) return loadOnly(deps, body.model, ttl, chatShape);
  const chat = chatRequest(modelIdOf(body.model), body);
  const { request, produce } = await generate(deps, body.model, ttl, () => deps.chat.stream(userId, chat, signal));
  return reply(request, produce, chatShape, body.stream, signal);
}

export async function ollamaGenerate(deps: OllamaDeps, userId: string, body: OllamaGenerateBody, signal: AbortSignal): Promise<OllamaReply> {
  refuseUnsupportedGenerate(body);
  const ttl = idleTtlOf(body.keep_alive);
  if (body.prompt === '') return loadOnly(deps, body.model, ttl, generateShape);
  const { request, produce } = await generate(deps, body.model, ttl, generateStart(deps, userId, body, signal));
  return reply(request, produce, generateShape, body.stream, signal);
}


