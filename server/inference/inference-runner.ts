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
import { AppError } from '../errors/app-error.js';
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

/** One model request as the usage counters see it (for the member who asked). */
export interface ModelUsage {
  userId: string;
  modelId: string;
  promptTokens: number;
  completionTokens: number;
  /** How long the request held a slot. */
  slotSeconds: number;
  /** It failed (a runtime error, a full queue, a timeout); a client that left is not a failure. */
  failed: boolean;
}

/**
 * Who asked for the work, for the slot queue's fairness and the per-member usage counters (the usage domain
 * implements it; the runner only sees the request's signal).
 */
export interface InferenceAccounting {
  /** The member whose request this signal belongs to, if any. */
  ownerOf(signal: AbortSignal): string | undefined;
  /** The scheduler's fairness key (undefined when fairness is switched off: one FIFO). */
  fairnessKey(signal: AbortSignal): string | undefined;
  record(usage: ModelUsage): void;
}

/** A client that left is not a failure; a timeout (the 503 the endpoint aborts with) is. */
const failedUnlessLeft = (signal: AbortSignal) => !signal.aborted || signal.reason instanceof AppError;

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
    private readonly accounting?: InferenceAccounting,
  ) {}

  async start(modelId: string, prepare: (model: LoadedModel) => Promise<PreparedPrompt>, signal: AbortSignal): Promise<InferenceJob> {
    const startedAt = performance.now();
    const lease = await this.models.acquire(modelId);
    const account = this.account(lease.id, signal);
    try {
      signal.throwIfAborted();
      const prompt = await prepare(lease.model);
      const fairnessKey = this.accounting?.fairnessKey(signal);
      const slot = await lease.scheduler.acquire((s) => reusable(lease.model.cachedPrefix(s, prompt), prompt.tokenCount), signal, fairnessKey);
      const slotAt = performance.now();
      let done = false;
      const finish = (result?: GenerationResult, failed = false) => {
        done = true;
        slot.release();
        lease.release();
        account?.({ promptTokens: result?.promptTokens ?? 0, completionTokens: result?.completionTokens ?? 0, slotSeconds: (performance.now() - slotAt) / 1000, failed });
      };
      return {
        modelId: lease.id,
        promptTokens: prompt.tokenCount,
        cachedTokens: lease.model.cachedPrefix(slot.slot, prompt),
        cancel: () => done || finish(),
        generate: async (options) => {
          if (done) throw new Error('an inference job runs once');
          let result: GenerationResult | undefined;
          try {
            result = await this.generate(lease.id, lease.model, slot.slot, prompt, { ...options, signal }, startedAt);
            return result;
          } finally {
            finish(result, result === undefined && failedUnlessLeft(signal));
          }
        },
      };
    } catch (error) {
      lease.release();
      account?.({ promptTokens: 0, completionTokens: 0, slotSeconds: 0, failed: failedUnlessLeft(signal) });
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
    const account = this.account(lease.id, signal);
    let promptTokens = 0;
    let ok = false;
    let slotAt: number | undefined;
    try {
      const slot = await lease.embedScheduler.acquire(() => 0, signal, this.accounting?.fairnessKey(signal));
      slotAt = performance.now();
      try {
        const result = await lease.model.embed(inputs, signal);
        this.metrics.promptTokens.inc({ model: lease.id }, result.promptTokens);
        promptTokens = result.promptTokens;
        ok = true;
        return { ...result, modelId: lease.id };
      } finally {
        slot.release();
        account?.({ promptTokens, completionTokens: 0, slotSeconds: (performance.now() - slotAt) / 1000, failed: !ok && failedUnlessLeft(signal) });
      }
    } catch (error) {
      if (slotAt === undefined) account?.({ promptTokens: 0, completionTokens: 0, slotSeconds: 0, failed: failedUnlessLeft(signal) });
      throw signal.aborted ? abortReason(signal) : toInferenceError(error);
    } finally {
      lease.release();
    }
  }

  /** Records the request's usage once it ends, for the member who asked (nothing when nobody did). */
  private account(modelId: string, signal: AbortSignal): ((figures: Omit<ModelUsage, 'userId' | 'modelId'>) => void) | undefined {
    const userId = this.accounting?.ownerOf(signal);
    if (userId === undefined) return undefined;
    return (figures) => this.accounting!.record({ userId, modelId, ...figures });
  }
}
