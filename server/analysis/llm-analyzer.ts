/**
 * Asks a local model for a JSON answer under a JSON-schema grammar, through the same inference runner as
 * chat (model resolution and loading, the slot scheduler's bounded queue, cancellation by the request's
 * AbortSignal, metrics). The parsed answer is checked against its zod schema; an answer that is cut off or
 * invalid becomes a 502, never a half-parsed object.
 *
 * Long inputs are split into chunks that fit the model's context with room for the answer: the split is
 * planned from the model's real tokenizer (a sample gives characters per token), and a chunk that still
 * does not fit is halved and asked again. At most `maxChunks` chunks are read; the rest is reported as
 * truncated.
 */
import { AppError } from '../errors/app-error.js';
import { PromptError, type ChatTurn, type GenerationResult } from '../runtime/inference-runtime.js';
import type { AnswerSpec } from './analysis-prompts.js';
import type { InferenceRunner } from '../inference/index.js';
import type { ModelsService } from '../models/index.js';

/** Fewer tokens than this per chunk is not worth analysing: the context is too small. */
const MIN_CHUNK_TOKENS = 64;
/** Characters per token vary within a text; plan chunks with this margin. */
const PLAN_SAFETY = 0.85;
/** A chunk is halved at most this many times when it does not fit after all. */
const MAX_SPLITS = 4;
/** Chunks of one request generated at the same time (the rest of the slots stay free for others). */
const CONCURRENCY = 2;

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChunkPlan {
  chunks: string[];
  truncated: boolean;
  analyzedChars: number;
  /** Tokens each prompt leaves free for the answer. */
  reserve: number;
}

interface MapJob<T> {
  turnsFor: TurnsFor;
  spec: AnswerSpec<T>;
  reserve: number;
  usage: Usage;
  signal: AbortSignal;
}

export interface Answered<T> {
  text: string;
  answer: T;
}

export type TurnsFor = (text: string) => ChatTurn[];

class ChunkTooLong extends Error {}

export const emptyUsage = (): Usage => ({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });

function addUsage(usage: Usage, result: GenerationResult): void {
  usage.prompt_tokens += result.promptTokens;
  usage.completion_tokens += result.completionTokens;
  usage.total_tokens += result.promptTokens + result.completionTokens;
}

export function invalidAnswer(modelId: string, detail: string): AppError {
  return new AppError(502, 'server_error', `The model '${modelId}' did not produce a valid answer (${detail}). Try again with another model.`, {
    param: 'model',
    code: 'invalid_model_output',
  });
}

/** Splits at the last paragraph break, else sentence end, else space in the second half of the window. */
export function splitText(text: string, maxChars: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > maxChars) {
    const window = rest.slice(0, maxChars);
    const half = Math.floor(maxChars / 2);
    let cut = window.lastIndexOf('\n\n');
    if (cut < half) cut = Math.max(window.lastIndexOf('. '), window.lastIndexOf('\n')) + 1;
    if (cut < half) cut = window.lastIndexOf(' ');
    if (cut < half) cut = maxChars - (/[\uD800-\uDBFF]/.test(window[maxChars - 1]!) ? 1 : 0);
    chunks.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest !== '') chunks.push(rest);
  return chunks.filter((chunk) => chunk !== '');
}

export class LlmAnalyzer {
  constructor(
    private readonly models: ModelsService,
    private readonly runner: InferenceRunner,
    private readonly maxChunks: number,
  ) {}

  /**
   * Chunks of `text` whose prompts fit the model's context with room for a typical answer. Characters per
   * token are measured on a sample of the text with the model's own tokenizer.
   */
  async plan<T>(modelId: string, text: string, turnsFor: TurnsFor, spec: AnswerSpec<T>): Promise<ChunkPlan> {
    const lease = await this.models.acquire(modelId);
    try {
      const { model } = lease;
      const base = (await model.prepareChat({ turns: turnsFor('') })).tokenCount;
      const free = model.contextSize - base;
      // At most 4 tokens per character (byte-level tokens of CJK or emoji): the sample takes at most half.
      const sample = text.slice(0, Math.max(1, Math.floor(free / 8)));
      const sampleTokens = free > 0 ? (await model.prepareChat({ turns: turnsFor(sample) })).tokenCount - base : 1;
      const charsPerToken = sample.length / Math.max(1, sampleTokens);
      const reserve = Math.ceil(spec.answerChars / charsPerToken);
      const budget = free - reserve;
      if (budget < MIN_CHUNK_TOKENS) {
        throw new AppError(
          400,
          'invalid_request_error',
          `The model '${modelId}' has ${model.contextSize} tokens of context; this analysis needs at least ${base + reserve + MIN_CHUNK_TOKENS}. ` +
            'Raise JAN_CONTEXT_SIZE or use a model with a larger context.',
          { param: 'model', code: 'context_length_exceeded' },
        );
      }
      const all = splitText(text, Math.max(MIN_CHUNK_TOKENS, Math.floor(budget * charsPerToken * PLAN_SAFETY)));
      const chunks = all.slice(0, this.maxChunks);
      const analyzedChars = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
      return { chunks, truncated: chunks.length < all.length, analyzedChars, reserve };
    } finally {
      lease.release();
    }
  }

  /**
   * One answer for one prompt. `ChunkTooLong` when the prompt leaves less than `reserve` tokens, or when the
   * answer ran into the end of the context before its own token limit.
   */
  private async ask<T>(modelId: string, turns: ChatTurn[], spec: AnswerSpec<T>, reserve: number, usage: Usage, signal: AbortSignal): Promise<T> {
    const job = await this.runner.start(
      modelId,
      async (model) => {
        try {
          const prompt = await model.prepareChat({ turns });
          if (prompt.tokenCount + reserve > model.contextSize) throw new ChunkTooLong();
          return prompt;
        } catch (error) {
          if (error instanceof PromptError && error.code === 'context_length_exceeded') throw new ChunkTooLong();
          throw error;
        }
      },
      signal,
    );
    const result = await job.generate({ maxTokens: spec.maxTokens, temperature: 0, format: { type: 'json_schema', schema: spec.schema } });
    if (result.finishReason === 'aborted') throw signal.reason;
    addUsage(usage, result);
    if (result.finishReason === 'length') {
      if (result.completionTokens < spec.maxTokens) throw new ChunkTooLong();
      throw invalidAnswer(job.modelId, `the answer was cut off after ${result.completionTokens} tokens`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.text);
    } catch {
      throw invalidAnswer(job.modelId, 'the answer is not JSON');
    }
    // The model's output, not a request: checked here rather than by http/validate.ts.
    const checked = spec.answer.safeParse(parsed);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      throw invalidAnswer(job.modelId, `${issue.path.join('.') || 'answer'}: ${issue.message}`);
    }
    return checked.data;
  }

  /** Asks about `text`, halving it (and answering for each half) while it does not fit. */
  private async askFitting<T>(modelId: string, text: string, job: MapJob<T>, depth = 0): Promise<Answered<T>[]> {
    try {
      return [{ text, answer: await this.ask(modelId, job.turnsFor(text), job.spec, job.reserve, job.usage, job.signal) }];
    } catch (error) {
      if (!(error instanceof ChunkTooLong)) throw error;
      const halves = splitText(text, Math.ceil(text.length / 2));
      if (depth >= MAX_SPLITS || halves.length < 2) {
        throw new AppError(400, 'invalid_request_error', `The model '${modelId}' has too little context for this analysis; raise JAN_CONTEXT_SIZE.`, {
          param: 'model',
          code: 'context_length_exceeded',
        });
      }
      const answers: Answered<T>[] = [];
      for (const half of halves) answers.push(...(await this.askFitting(modelId, half, job, depth + 1)));
      return answers;
    }
  }

  /**
   * One answer per chunk of the plan, in order; at most CONCURRENCY chunks in flight. The first failure
   * stops the other chunks (queued ones leave the queue, running ones stop generating).
   */
  async map<T>(modelId: string, plan: ChunkPlan, turnsFor: TurnsFor, spec: AnswerSpec<T>, usage: Usage, signal: AbortSignal): Promise<Answered<T>[]> {
    const { chunks } = plan;
    const results: Answered<T>[][] = new Array(chunks.length);
    const local = new AbortController();
    const onAbort = () => local.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const job: MapJob<T> = { turnsFor, spec, reserve: plan.reserve, usage, signal: local.signal };
    let next = 0;
    const worker = async () => {
      while (next < chunks.length && !local.signal.aborted) {
        const index = next++;
        results[index] = await this.askFitting(modelId, chunks[index]!, job);
      }
    };
    try {
      await Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, chunks.length) }, () =>
          worker().catch((error: unknown) => {
            local.abort(error);
            throw error;
          }),
        ),
      );
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return results.flat();
  }
}
