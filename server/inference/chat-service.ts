/**
 * `POST /v1/chat/completions`: OpenAI's chat completion, JSON or streamed, with Jan's conversations.
 *
 * Streaming is two-step (see inference-runner.ts): `stream()` resolves once the model is loaded and a slot
 * is ours (so 404/400/503 still get a status), and returns the producer that writes the chunks.
 */
import type { ChatCompletionBody } from '../api/chat.js';
import type { GenerationResult, ToolSpec } from '../runtime/inference-runtime.js';
import { ConversationLink, type ConversationContext } from './conversation-link.js';
import { abortReason } from './abort-reason.js';
import { refuseChatLogprobs } from './logprobs.js';
import { generatedId, nowSeconds } from './generated-ids.js';
import { chatMessagesToTurns, contentText, itemsToTurns, titleFrom, turnItems, type ToolCallWithId } from './chat-messages.js';
import { maxTokens, outputFormat, samplingOptions, toolUse } from './sampling-options.js';
import type { InferenceJob, InferenceRunner } from './inference-runner.js';
import type { Fingerprinter } from './system-fingerprint.js';

/** Writes one event of a stream (`data:` JSON, optionally named). Services produce; http/sse.ts frames. */
export type SseSend = (data: unknown, event?: string) => void;
export type SseProducer = (send: SseSend) => Promise<void>;

interface Started {
  job: InferenceJob;
  conversation: ConversationContext | undefined;
  title: string | null;
  options: ReturnType<typeof samplingOptions> & Pick<Parameters<InferenceJob['generate']>[0], 'maxTokens' | 'format'>;
  /** The request's messages with file parts expanded into text. */
  messages: ChatCompletionBody['messages'];
}

function usage(result: GenerationResult) {
  return {
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    total_tokens: result.promptTokens + result.completionTokens,
    prompt_tokens_details: { cached_tokens: result.cachedTokens },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

function withIds(result: GenerationResult): ToolCallWithId[] {
  return result.toolCalls.map((call) => ({ ...call, id: generatedId('call_') }));
}

function openAiToolCalls(calls: ToolCallWithId[]) {
  return calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } }));
}

/** `aborted` never reaches a client (it is gone, or the timeout answered); keep the type honest. */
function finishReason(result: GenerationResult): 'stop' | 'length' | 'tool_calls' {
  return result.finishReason === 'aborted' ? 'stop' : result.finishReason;
}

/** Puts uploaded files' text into the prompt for `{type:"file", file:{file_id}}` parts (media's MediaDocumentsService). */
export interface DocumentExpander {
  hasFileParts(messages: ChatCompletionBody['messages']): boolean;
  expandFileParts(userId: string, messages: ChatCompletionBody['messages']): Promise<ChatCompletionBody['messages']>;
}

export class ChatService {
  constructor(
    private readonly runner: InferenceRunner,
    private readonly link: ConversationLink,
    private readonly fingerprint: Fingerprinter,
    private readonly documents?: DocumentExpander,
  ) {}

  private async start(userId: string, body: ChatCompletionBody, signal: AbortSignal): Promise<Started> {
    refuseChatLogprobs(body);
    const options = {
      ...samplingOptions(body),
      maxTokens: maxTokens(body.max_completion_tokens, body.max_tokens),
      format: outputFormat(
        body.response_format && { type: body.response_format.type, schema: 'json_schema' in body.response_format ? body.response_format.json_schema.schema : undefined },
        'response_format',
      ),
    };
    const conversation = body.conversation ? await this.link.open(userId, body.conversation) : undefined;
    const builder = itemsToTurns(conversation?.items ?? [], 'conversation.items');
    // File parts become the documents' text, for the prompt and for the stored turn alike (what the model saw).
    const messages = this.documents?.hasFileParts(body.messages) ? await this.documents.expandFileParts(userId, body.messages) : body.messages;
    const turns = chatMessagesToTurns(messages, builder);
    const tools: ToolSpec[] = (body.tools ?? []).map((t) => ({
      name: t.function.name,
      ...(t.function.description !== undefined && { description: t.function.description }),
      ...(t.function.parameters !== undefined && { parameters: t.function.parameters }),
    }));
    const choice = typeof body.tool_choice === 'object' && body.tool_choice !== null ? { name: body.tool_choice.function.name } : body.tool_choice;
    const toolOptions = toolUse(tools, choice, 'tool_choice');
    const firstUser = messages.find((m) => m.role === 'user');
    const title = firstUser ? titleFrom([{ role: 'user', text: contentText(firstUser.content, 'messages') }]) : null;
    // Nothing may throw after the job starts: it holds a slot until it is generated or cancelled.
    const job = await this.runner.start(body.model, (model) => model.prepareChat({ turns, ...toolOptions }), signal);
    return { job, conversation, title, options, messages };
  }

  /** Stores the turn when the request names a conversation (unless `store: false`). */
  private async record(userId: string, body: ChatCompletionBody, started: Started, text: string, calls: ToolCallWithId[]) {
    const { conversation } = started;
    if (!conversation) return undefined;
    if (body.store === false) return { id: conversation.id, title: conversation.title };
    return this.link.record(userId, conversation, turnItems(started.messages, { text, toolCalls: calls }), started.title);
  }

  async complete(userId: string, body: ChatCompletionBody, signal: AbortSignal) {
    const started = await this.start(userId, body, signal);
    const result = await started.job.generate(started.options);
    if (result.finishReason === 'aborted') throw abortReason(signal);
    const calls = withIds(result);
    const conversation = await this.record(userId, body, started, result.text, calls);
    return {
      id: generatedId('chatcmpl-'),
      object: 'chat.completion' as const,
      created: nowSeconds(),
      model: started.job.modelId,
      system_fingerprint: this.fingerprint(started.job.modelId),
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant' as const,
            content: calls.length > 0 && result.text === '' ? null : result.text,
            refusal: null,
            ...(calls.length > 0 && { tool_calls: openAiToolCalls(calls) }),
          },
          logprobs: null,
          finish_reason: finishReason(result),
        },
      ],
      usage: usage(result),
      ...(conversation && { conversation }),
    };
  }

  async stream(userId: string, body: ChatCompletionBody, signal: AbortSignal): Promise<SseProducer> {
    const started = await this.start(userId, body, signal);
    const includeUsage = body.stream_options?.include_usage === true;
    const base = {
      id: generatedId('chatcmpl-'), object: 'chat.completion.chunk' as const, created: nowSeconds(),
      model: started.job.modelId, system_fingerprint: this.fingerprint(started.job.modelId),
    };
    // With include_usage, OpenAI sends `usage: null` on every chunk but the last.
    const tail = includeUsage ? { usage: null } : {};
    const chunk = (delta: object, finish: string | null = null) => ({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...tail,
    });
    return async (send) => {
      send(chunk({ role: 'assistant', content: '', refusal: null }));
      const result = await started.job.generate({ ...started.options, onText: (text) => send(chunk({ content: text })) });
      if (result.finishReason === 'aborted') return;
      const calls = withIds(result);
      if (calls.length > 0) {
        send(chunk({ tool_calls: openAiToolCalls(calls).map((call, index) => ({ index, ...call })) }));
      }
      send(chunk({}, finishReason(result)));
      if (includeUsage) send({ ...base, choices: [], usage: usage(result) });
      // A failed write rejects the producer: stream-response.ts logs it and sends the error frame.
      const conversation = await this.record(userId, body, started, result.text, calls);
      if (conversation) send({ ...base, choices: [], conversation });
    };
  }
}
