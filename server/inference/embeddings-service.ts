/** `POST /v1/embeddings`: one unit-length vector per input, as floats or base64 little-endian float32. */
import type { EmbeddingBody } from '../api/embeddings.js';
import { badRequest } from '../errors/app-error.js';
import type { InferenceRunner } from './inference-runner.js';

function base64(vector: number[]): string {
  const floats = new Float32Array(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

export class EmbeddingsService {
  constructor(private readonly runner: InferenceRunner) {}

  async create(body: EmbeddingBody, signal: AbortSignal) {
    const inputs = typeof body.input === 'string' ? [body.input] : body.input;
    const { vectors, promptTokens, modelId } = await this.runner.embed(body.model, inputs, signal);
    const width = vectors[0]?.length ?? 0;
    if (body.dimensions != null && body.dimensions !== width) {
      throw badRequest(`This model's embeddings have ${width} dimensions; other sizes are not supported.`, 'dimensions', 'unsupported_value');
    }
    return {
      object: 'list' as const,
      data: vectors.map((vector, index) => ({
        object: 'embedding' as const,
        index,
        embedding: body.encoding_format === 'base64' ? base64(vector) : vector,
      })),
      model: modelId,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    };
  }
}
