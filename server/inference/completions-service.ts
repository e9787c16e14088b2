/**
 * The legacy `POST /v1/completions`: the prompt is raw text (no chat template). Several prompts are run one
 * after the other and answered as one choice each.
 */
import type { CompletionBody } from '../api/completions.js';
import { badRequest } from '../errors/app-error.js';
import type { GenerationResult } from '../runtime/inference-runtime.js';
import type { SseProducer } from './chat-service.js';
import { abortReason } from './abort-reason.js';
import { refuseCompletionLogprobs } from './logprobs.js';
import { generatedId, nowSeconds } from './generated-ids.js';
import { maxTokens, samplingOptions } from './sampling-options.js';
import type { InferenceJob, InferenceRunner } from './inference-runner.js';
import type { Fingerprinter } from './system-fingerprint.js';

/** OpenAI's default for this endpoint. */
const DEFAULT_MAX_TOKENS = 16;

function checkSupported(body: CompletionBody): void {
  if (body.suffix) throw badRequest('suffix (fill-in-the-middle) is not supported.', 'suffix', 'unsupported_value');
  refuseCompletionLogprobs(body);
  if ((body.best_of ?? 1) !== 1) throw badRequest('Only best_of = 1 is supported.', 'best_of', 'unsupported_value');
}

function usageOf(results: GenerationResult[]) {
  const prompt = results.reduce((sum, r) => sum + r.promptTokens, 0);
  const completion = results.reduce((sum, r) => sum + r.completionTokens, 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: results.reduce((sum, r) => sum + r.cachedTokens, 0) },
  };
}

const finish = (r: GenerationResult) => (r.finishReason === 'tool_calls' || r.finishReason === 'aborted' ? 'stop' : r.finishReason);

export class CompletionsService {
  constructor(
    private readonly runner: InferenceRunner,
    private readonly fingerprint: Fingerprinter,
  ) {}

  private prompts(body: CompletionBody): string[] {
    checkSupported(body);
    return typeof body.prompt === 'string' ? [body.prompt] : body.prompt;
  }

  private options(body: CompletionBody) {
    return { ...samplingOptions(body), maxTokens: maxTokens(body.max_tokens, DEFAULT_MAX_TOKENS) };
  }

  private begin(body: CompletionBody, prompt: string, signal: AbortSignal): Promise<InferenceJob> {
    return this.runner.start(body.model, (model) => model.prepareCompletion(prompt), signal);
  }

  async complete(body: CompletionBody, signal: AbortSignal) {
    const prompts = this.prompts(body);
    const options = this.options(body);
    const results: GenerationResult[] = [];
    let model = body.model;
    for (const prompt of prompts) {
      const job = await this.begin(body, prompt, signal);
      model = job.modelId;
      const result = await job.generate(options);
      if (result.finishReason === 'aborted') throw abortReason(signal);
      results.push(result);
    }
    return {
      id: generatedId('cmpl-'),
      object: 'text_completion' as const,
      created: nowSeconds(),
      model,
      system_fingerprint: this.fingerprint(model),
      choices: results.map((r, index) => ({ text: (body.echo ? prompts[index] : '') + r.text, index, logprobs: null, finish_reason: finish(r) })),
      usage: usageOf(results),
    };
  }

  async stream(body: CompletionBody, signal: AbortSignal): Promise<SseProducer> {
    const prompts = this.prompts(body);
    const options = this.options(body);
    const first = await this.begin(body, prompts[0]!, signal);
    const base = {
      id: generatedId('cmpl-'), object: 'text_completion' as const, created: nowSeconds(),
      model: first.modelId, system_fingerprint: this.fingerprint(first.modelId),
    };
    const includeUsage = body.stream_options?.include_usage === true;
    const tail = includeUsage ? { usage: null } : {};
    const chunk = (index: number, text: string, reason: string | null = null) => ({
      ...base,
      choices: [{ text, index, logprobs: null, finish_reason: reason }],
      ...tail,
    });
    return async (send) => {
      const results: GenerationResult[] = [];
      for (const [index, prompt] of prompts.entries()) {
        const job = index === 0 ? first : await this.begin(body, prompt, signal);
        if (body.echo) send(chunk(index, prompt));
        const result = await job.generate({ ...options, onText: (text) => send(chunk(index, text)) });
        if (result.finishReason === 'aborted') return;
        results.push(result);
        send(chunk(index, '', finish(result)));
      }
      if (includeUsage) send({ ...base, choices: [], usage: usageOf(results) });
    };
  }
}
