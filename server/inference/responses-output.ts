/**
 * Builds Responses API objects: the response envelope, its output items, and the `response.*` event
 * sequence of a streamed response (as OpenAI sends it: created, in_progress, then per output item
 * added → deltas → done, then completed or incomplete; every event carries `type` and `sequence_number`).
 */
import type { ResponseCreateBody } from '../api/responses.js';
import type { GenerationResult } from '../runtime/inference-runtime.js';
import { newId } from '../store/ids.js';
import type { SseSend } from './chat-service.js';
import { generatedId } from './generated-ids.js';
import type { ToolCallWithId } from './chat-messages.js';

export interface ResponseUsage {
  input_tokens: number;
  /** `cache_write_tokens`: prompt tokens written to a cache for later requests; llama.cpp has no such count, so 0. */
  input_tokens_details: { cached_tokens: number; cache_write_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export interface ResponseEnvelope {
  id: string;
  created_at: number;
  model: string;
  body: ResponseCreateBody;
  conversationId: string | null;
}

export type OutputItem = Record<string, unknown> & { id: string; type: string };

export function outputText(text: string) {
  return { type: 'output_text' as const, text, annotations: [], logprobs: [] };
}

export function messageItem(id: string, text: string, status: 'completed' | 'incomplete' | 'in_progress'): OutputItem {
  return { id, type: 'message', status, role: 'assistant', content: status === 'in_progress' ? [] : [outputText(text)] };
}

export function functionCallItem(call: ToolCallWithId, status: 'completed' | 'in_progress'): OutputItem {
  return { id: newId('fc'), type: 'function_call', status, call_id: call.id, name: call.name, arguments: status === 'completed' ? call.arguments : '' };
}

/** The reply's output items: the message (unless the reply is only tool calls), then one item per call. */
export function outputItems(result: GenerationResult, messageId: string, calls: ToolCallWithId[]): OutputItem[] {
  const status = result.finishReason === 'length' ? 'incomplete' : 'completed';
  const items: OutputItem[] = [];
  if (result.text !== '' || calls.length === 0) items.push(messageItem(messageId, result.text, status));
  for (const call of calls) items.push(functionCallItem(call, 'completed'));
  return items;
}

export function usageOf(result: GenerationResult): ResponseUsage {
  return {
    input_tokens: result.promptTokens,
    input_tokens_details: { cached_tokens: result.cachedTokens, cache_write_tokens: 0 },
    output_tokens: result.completionTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: result.promptTokens + result.completionTokens,
  };
}

/** The request's function tools as OpenAI echoes them: flat, with `description`, `parameters` and `strict` (null when unset). */
function echoedTools(tools: ResponseCreateBody['tools']) {
  return (tools ?? []).map((tool) => {
    const f = 'function' in tool ? tool.function : tool;
    return { type: 'function' as const, name: f.name, description: f.description ?? null, parameters: f.parameters ?? null, strict: f.strict ?? null };
  });
}

export function responseObject(
  envelope: ResponseEnvelope,
  state: { status: 'in_progress' | 'completed' | 'incomplete'; output: OutputItem[]; usage: ResponseUsage | null },
) {
  const { body } = envelope;
  return {
    id: envelope.id,
    object: 'response' as const,
    created_at: envelope.created_at,
    status: state.status,
    background: false,
    error: null,
    incomplete_details: state.status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: envelope.model,
    output: state.output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    store: body.store !== false,
    temperature: body.temperature ?? null,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: echoedTools(body.tools),
    top_p: body.top_p ?? null,
    truncation: 'disabled',
    // OpenAI types `usage` as an object, not nullable: left out until it is known.
    ...(state.usage && { usage: state.usage }),
    // OpenAI types `user` as a string: present only when the request set it.
    ...(body.user !== undefined && { user: body.user }),
    metadata: body.metadata ?? {},
    ...(envelope.conversationId !== null && { conversation: { id: envelope.conversationId } }),
  };
}

export function newResponseId(): string {
  return generatedId('resp_');
}

/** Emits the streamed events of one response, numbering them. */
export class ResponseEvents {
  private sequence = 0;
  private messageOpen = false;
  private outputIndex = 0;

  constructor(
    private readonly send: SseSend,
    readonly messageId: string,
  ) {}

  emit(type: string, payload: object): void {
    this.send({ type, sequence_number: this.sequence++, ...payload }, type);
  }

  /** Opens the message item (on its first text, or at the end for an empty reply). */
  private openMessage(): void {
    if (this.messageOpen) return;
    this.messageOpen = true;
    this.emit('response.output_item.added', { output_index: 0, item: messageItem(this.messageId, '', 'in_progress') });
    this.emit('response.content_part.added', { item_id: this.messageId, output_index: 0, content_index: 0, part: outputText('') });
  }

  text(delta: string): void {
    this.openMessage();
    this.emit('response.output_text.delta', { item_id: this.messageId, output_index: 0, content_index: 0, delta, logprobs: [] });
  }

  /** Closes the message and streams the tool calls, as they appear in `items`. */
  finish(items: OutputItem[]): void {
    for (const item of items) {
      if (item.type === 'message') {
        const text = (item.content as Array<{ text: string }>)[0]?.text ?? '';
        this.openMessage();
        const where = { item_id: item.id, output_index: this.outputIndex, content_index: 0 };
        this.emit('response.output_text.done', { ...where, text, logprobs: [] });
        this.emit('response.content_part.done', { ...where, part: outputText(text) });
      } else {
        this.emit('response.output_item.added', { output_index: this.outputIndex, item: { ...item, status: 'in_progress', arguments: '' } });
        const where = { item_id: item.id, output_index: this.outputIndex };
        this.emit('response.function_call_arguments.delta', { ...where, delta: item.arguments });
        this.emit('response.function_call_arguments.done', { ...where, name: item.name, arguments: item.arguments });
      }
      this.emit('response.output_item.done', { output_index: this.outputIndex, item });
      this.outputIndex++;
    }
  }
}

/**
 * A stored response as it is answered today: bodies stored by earlier versions carry `user: null`, lack
 * `usage.input_tokens_details.cache_write_tokens` and echo tools as they were sent (Jan's nested form too).
 */
export function currentShape(stored: Record<string, unknown>): Record<string, unknown> {
  const { user, ...rest } = stored;
  const usage = rest.usage as { input_tokens_details?: Record<string, number> } | null | undefined;
  const details = usage?.input_tokens_details;
  return {
    ...rest,
    ...(Array.isArray(rest.tools) && { tools: echoedTools(rest.tools as ResponseCreateBody['tools']) }),
    ...(typeof user === 'string' && { user }),
    ...(usage && details && { usage: { ...usage, input_tokens_details: { cache_write_tokens: 0, ...details } } }),
  };
}
