/**
 * Anthropic's Messages API over the same generation path as `/v1/chat/completions` (the runner: model lease,
 * prompt, slot, generation, metrics), with Anthropic's shapes in and out. Nothing is stored.
 *
 * Streaming is two-step like the chat service's: `stream()` resolves once the model is loaded and a slot is
 * ours (so 404/400/503 still get a status), and returns the producer that writes the events.
 */
import type { AnthropicCountTokensBody, AnthropicMessage, AnthropicMessagesBody } from '../api/anthropic.js';
import { abortReason, generatedId, samplingOptions, type InferenceJob, type InferenceRunner, type SseProducer } from '../inference/index.js';
import { toInferenceError, type ModelsService } from '../models/index.js';
import { anthropicPrompt } from './anthropic-prompt.js';
import { messageObject, stopOf, toolUses, usage } from './anthropic-reply.js';
import { MessageEvents } from './message-events.js';

type GenerateOptions = Parameters<InferenceJob['generate']>[0];

export class AnthropicMessagesService {
  constructor(
    private readonly runner: InferenceRunner,
    private readonly models: ModelsService,
  ) {}

  private async start(body: AnthropicMessagesBody, signal: AbortSignal): Promise<{ job: InferenceJob; options: GenerateOptions }> {
    const prompt = anthropicPrompt(body);
    const stop = body.stop_sequences?.length ? body.stop_sequences : undefined;
    const options = { ...samplingOptions({ temperature: body.temperature, top_p: body.top_p, top_k: body.top_k, stop }), maxTokens: body.max_tokens };
    // Nothing may throw after the job starts: it holds a slot until it is generated or cancelled.
    const job = await this.runner.start(body.model, (model) => model.prepareChat(prompt), signal);
    return { job, options };
  }

  async create(body: AnthropicMessagesBody, signal: AbortSignal): Promise<AnthropicMessage> {
    const { job, options } = await this.start(body, signal);
    const result = await job.generate(options);
    if (result.finishReason === 'aborted') throw abortReason(signal);
    return messageObject(generatedId('msg_'), job.modelId, result, toolUses(result));
  }

  async stream(body: AnthropicMessagesBody, signal: AbortSignal): Promise<SseProducer> {
    const { job, options } = await this.start(body, signal);
    return async (send) => {
      const events = new MessageEvents(send);
      events.start(generatedId('msg_'), job.modelId, usage(job.promptTokens, job.cachedTokens, 0));
      const result = await job.generate({ ...options, onText: (text) => events.text(text) });
      if (result.finishReason === 'aborted') return;
      const calls = toolUses(result);
      events.finish(calls, stopOf(result, calls), result.completionTokens);
    };
  }

  /** The prompt's tokens as `create` would count them (its `input_tokens` + `cache_read_input_tokens`); no slot is taken. */
  async countTokens(body: AnthropicCountTokensBody): Promise<{ input_tokens: number }> {
    const prompt = anthropicPrompt(body);
    const lease = await this.models.acquire(body.model);
    try {
      return { input_tokens: (await lease.model.prepareChat(prompt)).tokenCount };
    } catch (error) {
      throw toInferenceError(error);
    } finally {
      lease.release();
    }
  }
}
