/**
 * `POST /api/embed` and the legacy `POST /api/embeddings` on the embeddings service. Vectors are unit length
 * (as /v1's); `dimensions` keeps the first n values and normalizes them again, as Ollama does. An empty input
 * only loads the model.
 */
import type { OllamaEmbedBody, OllamaEmbeddingsBody } from '../api/ollama.js';
import { badRequest } from '../errors/app-error.js';
import { idleTtlOf } from './keep-alive.js';
import { orModelNotFound } from './model-names.js';
import { sinceNs, type OllamaDeps } from './ollama-deps.js';
import { beginRequest } from './ollama-generation.js';

function shortened(vector: number[], dimensions: number | null | undefined): number[] {
  if (dimensions === undefined || dimensions === null || dimensions === vector.length) return vector;
  if (dimensions > vector.length) {
    const message = `dimensions: this model's embeddings have ${vector.length} dimensions; ask for at most that many.`;
    throw badRequest(message, 'dimensions', 'unsupported_value');
  }
  const head = vector.slice(0, dimensions);
  const norm = Math.hypot(...head) || 1;
  return head.map((x) => x / norm);
}

async function embed(deps: OllamaDeps, name: string, inputs: string[], keepAlive: OllamaEmbedBody['keep_alive'], signal: AbortSignal) {
  const ttl = idleTtlOf(keepAlive);
  const request = await beginRequest(deps.models, name);
  let vectors: number[][] = [];
  let promptTokens = 0;
  if (inputs.length > 0) {
    const result = await orModelNotFound(name, () => deps.embeddings.create({ model: request.id, input: inputs, encoding_format: 'float' }, signal));
    vectors = result.data.map((d) => d.embedding as number[]);
    promptTokens = result.usage.prompt_tokens;
  }
  deps.models.setIdleTtl(request.id, ttl);
  return { request, vectors, promptTokens };
}

export async function ollamaEmbed(deps: OllamaDeps, body: OllamaEmbedBody, signal: AbortSignal) {
  const inputs = typeof body.input === 'string' ? (body.input === '' ? [] : [body.input]) : body.input;
  const { request, vectors, promptTokens } = await embed(deps, body.model, inputs, body.keep_alive, signal);
  return {
    model: body.model,
    embeddings: vectors.map((v) => shortened(v, body.dimensions)),
    total_duration: sinceNs(request.startedAt),
    load_duration: request.loadNs,
    prompt_eval_count: promptTokens,
  };
}

export async function ollamaEmbeddings(deps: OllamaDeps, body: OllamaEmbeddingsBody, signal: AbortSignal) {
  const { vectors } = await embed(deps, body.model, body.prompt === '' ? [] : [body.prompt], body.keep_alive, signal);
  return { embedding: vectors[0] ?? [] };
}
