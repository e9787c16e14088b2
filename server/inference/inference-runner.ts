/**
 * The one path every generation takes: resolve (and load) the model, prepare the prompt, wait for a slot,
 * generate, record the metrics, give everything back.
 *
 * It is split in two steps so that streaming endpoints can fail with a proper status (404, 400, 503) while
 * no byte has been sent, and start the event stream only once a slot is theirs:
 *   const job = await runner.start(model, prepare, signal);   // may throw; nothing to clean up then
 *   const result = await job.generate(options);              // releases the slot and the model at the end
 * A job that is not generated must be `cancel()`ed.
 */
import type { Metrics } from '../metrics/create-metrics.js';
import type { EmbeddingResult, GenerateOptions, GenerationResult, LoadedModel, PreparedPrompt } from '../runtime/inference-runtime.js';
import { toInferenceError } from '../models/index.js';
import { abortReason } from './abort-reason.js';
import type { ModelsService } from '../models/index.js';

export interface InferenceJob {
  readonly modelId: string;
  readonly promptTokens: number;
  /** Leading prompt tokens the slot's KV cache already holds (the result's `cachedTokens`, known before generating). */
  readonly cachedTokens: number;
  generate(options: Omit<GenerateOptions, 'signal'>): Promise<GenerationResult>;
  cancel(): void;
}

/**
 * A slot is worth choosing for its cache only when the cache holds at least half of the prompt (as llama.cpp's
 * server does with its slot similarity): a chat template's few shared opening tokens must not make an
 * unrelated request evict another conversation's cache while a colder slot is free.
 */
function reusable(cached: number, promptTokens: number): number {
  return cached * 2 >= promptTokens ? cached : 0;
}

export class InferenceRunner {
  constructor(
    private readonly models: ModelsService,
    private readonly metrics: Metrics,
  ) {}

  async start(modelId: string, prepare: (model: LoadedModel) => Promise<PreparedPrompt>, signal: AbortSignal): Promise<InferenceJob> {
    const startedAt = performance.now();
    const lease = await this.models.acquire(modelId);
    try {
      signal.throwIfAborted();
      const prompt = await prepare(lease.model);
      const slot = await lease.scheduler.acquire((s) => reusable(lease.model.cachedPrefix(s, prompt), prompt.tokenCount), signal);
      let done = false;
      const finish = () => {
        done = true;
        slot.release();
        lease.release();
      };
      return {
        modelId: lease.id,
        promptTokens: prompt.tokenCount,
        cachedTokens: lease.model.cachedPrefix(slot.slot, prompt),
        cancel: () => done || finish(),
        generate: async (options) => {
          if (done) throw new Error('an inference job runs once');
          try {
            return await this.generate(lease.id, lease.model, slot.slot, prompt, { ...options, signal }, startedAt);
          } finally {
            finish();
          }
        },
      };
    } catch (error) {
      lease.release();
      throw signal.aborted ? abortReason(signal) : toInferenceError(error);
    }
  }

  private async generate(
    modelId: string,
    model: LoadedModel,
    slot: number,
    prompt: PreparedPrompt,
    options: GenerateOptions,
    startedAt: number,
  ): Promise<GenerationResult> {
    const labels = { model: modelId };
    let firstTextAt: number | undefined;
    const onText = (delta: string) => {
      if (firstTextAt === undefined) {
        firstTextAt = performance.now();
        this.metrics.timeToFirstToken.observe(labels, (firstTextAt - startedAt) / 1000);
      }
      options.onText?.(delta);
    };
    let result: GenerationResult;
    try {
      result = await model.generate(slot, prompt, { ...options, onText });
    } catch (error) {
      this.metrics.generations.inc({ ...labels, finish_reason: 'error' });
      throw toInferenceError(error);
    }
    const endedAt = performance.now();
    this.metrics.promptTokens.inc(labels, result.promptTokens);
    this.metrics.promptCachedTokens.inc(labels, result.cachedTokens);
    this.metrics.cacheLookups.inc({ cache: 'prompt', result: 'hit' }, result.cachedTokens);
    this.metrics.cacheLookups.inc({ cache: 'prompt', result: 'miss' }, result.promptTokens - result.cachedTokens);
    this.metrics.generatedTokens.inc(labels, result.completionTokens);
    this.metrics.generations.inc({ ...labels, finish_reason: result.finishReason });
    if (firstTextAt !== undefined && result.completionTokens > 1 && endedAt > firstTextAt) {
      this.metrics.tokensPerSecond.observe(labels, (result.completionTokens - 1) / ((endedAt - firstTextAt) / 1000));
    }
    return result;
  }

  async embed(modelId: string, inputs: string[], signal: AbortSignal): Promise<EmbeddingResult & { modelId: string }> {
    const lease = await this.models.acquire(modelId);
    try {
      const slot = await lease.embedScheduler.acquire(() => 0, signal);
      try {
        const result = await lease.model.embed(inputs, signal);
        this.metrics.promptTokens.inc({ model: lease.id }, result.promptTokens);
        return { ...result, modelId: lease.id };
      } finally {
        slot.release();
      }
    } catch (error) {
      throw signal.aborted ? abortReason(signal) : toInferenceError(error);
    } finally {
      lease.release();
    }
  }
}
