/**
 * Embeddings of one loaded model: an embedding context created on first use (most models never embed), one
 * request at a time (the context evaluates one input after another), vectors scaled to unit length as
 * OpenAI's are.
 */
import type { LlamaEmbeddingContext, LlamaModel } from 'node-llama-cpp';
import { PromptError, type EmbeddingResult } from './inference-runtime.js';

function unitLength(vector: readonly number[]): number[] {
  const norm = Math.hypot(...vector);
  return norm === 0 ? [...vector] : vector.map((x) => x / norm);
}

export class LlamaEmbedder {
  private context: Promise<LlamaEmbeddingContext> | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly model: LlamaModel,
    private readonly contextSize: number,
    private readonly threads: number,
  ) {}

  embed(inputs: string[], signal?: AbortSignal): Promise<EmbeddingResult> {
    const run = this.queue.then(() => this.embedNow(inputs, signal));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async embedNow(inputs: string[], signal?: AbortSignal): Promise<EmbeddingResult> {
    this.context ??= this.model.createEmbeddingContext({ contextSize: this.contextSize, threads: this.threads });
    const context = await this.context;
    const vectors: number[][] = [];
    let promptTokens = 0;
    for (const [index, text] of inputs.entries()) {
      signal?.throwIfAborted();
      const tokens = this.model.tokenize(text);
      if (tokens.length >= this.contextSize) {
        throw new PromptError(`input[${index}] is ${tokens.length} tokens; the limit is ${this.contextSize - 1}.`, 'context_length_exceeded', 'input');
      }
      promptTokens += tokens.length;
      vectors.push(unitLength((await context.getEmbeddingFor(tokens)).vector));
    }
    return { vectors, promptTokens };
  }

  async dispose(): Promise<void> {
    if (this.context) await (await this.context.catch(() => undefined))?.dispose();
  }
}
