/**
 * OpenAI's Responses API on the local runtime: a response is one generation whose context is, in order,
 * `instructions`, the conversation's items or the chain of `previous_response_id` (each earlier response's
 * input and output), then this request's input. Stored responses (`store`, default true) can be read back,
 * listed for their input items, chained and deleted; with a `conversation` the turn is also appended to it.
 */
import type { z } from 'zod';
import type { ItemInput } from '../api/items.js';
import type { InputItemsQuery, ResponseCreateBody } from '../api/responses.js';
import { badRequest, notFound } from '../errors/app-error.js';
import type { ChatTurn, GenerationResult, ToolSpec } from '../runtime/inference-runtime.js';
import { newId } from '../store/ids.js';
import type { Store } from '../store/store.js';
import type { SseProducer } from './chat-service.js';
import { normalizeItem } from '../conversations/index.js';
import type { ConversationContext, ConversationLink } from './conversation-link.js';
import { abortReason } from './abort-reason.js';
import { refuseResponseLogprobs } from './logprobs.js';
import { generatedId, nowSeconds } from './generated-ids.js';
import { itemsToTurns, replyItems, titleFrom, TurnBuilder, type ToolCallWithId } from './chat-messages.js';
import { maxTokens, outputFormat, samplingOptions, toolUse } from './sampling-options.js';
import type { InferenceJob, InferenceRunner } from './inference-runner.js';
import { listEnvelope } from '../api/list-envelope.js';
import {
  currentShape, newResponseId, outputItems, responseObject, ResponseEvents, usageOf, type OutputItem, type ResponseEnvelope,
} from './responses-output.js';

type StoredItem = Record<string, unknown> & { id: string; type: string };

interface Started {
  job: InferenceJob;
  envelope: ResponseEnvelope;
  inputItems: StoredItem[];
  conversation: ConversationContext | undefined;
  title: string | null;
  options: Parameters<InferenceJob['generate']>[0];
}

const ITEM_PREFIX = { message: 'msg', function_call: 'fc', function_call_output: 'fco' } as const;

function storedInput(input: ResponseCreateBody['input']): StoredItem[] {
  const items: ItemInput[] = typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : input;
  return items.map((item) => {
    const { type, body } = normalizeItem(item);
    return { id: newId(ITEM_PREFIX[type as keyof typeof ITEM_PREFIX]), ...body, type };
  });
}

function toolSpecs(tools: ResponseCreateBody['tools']): ToolSpec[] {
  return (tools ?? []).map((tool) => {
    const f = 'function' in tool ? tool.function : tool;
    return { name: f.name, ...(f.description != null && { description: f.description }), ...(f.parameters != null && { parameters: f.parameters }) };
  });
}

function callsOf(result: GenerationResult): ToolCallWithId[] {
  return result.toolCalls.map((call) => ({ ...call, id: generatedId('call_') }));
}

export class ResponsesService {
  constructor(
    private readonly store: Store,
    private readonly runner: InferenceRunner,
    private readonly link: ConversationLink,
  ) {}

  /** Earlier responses of a `previous_response_id` chain, oldest first. */
  private async chain(userId: string, id: string): Promise<Array<{ input: StoredItem[]; output: StoredItem[] }>> {
    const chain = [];
    const seen = new Set<string>();
    for (let next: string | null = id; next !== null && !seen.has(next); ) {
      seen.add(next);
      const row = await this.store.responses.get(userId, next);
      if (!row) throw notFound('response', next, 'previous_response_id');
      const body = JSON.parse(row.body) as { output: StoredItem[] };
      chain.unshift({ input: JSON.parse(row.input_items) as StoredItem[], output: body.output });
      next = row.previous_response_id;
    }
    return chain;
  }

  private async history(userId: string, body: ResponseCreateBody, inputItems: StoredItem[]) {
    if (body.conversation && body.previous_response_id) {
      throw badRequest('Give either conversation or previous_response_id, not both.', 'previous_response_id');
    }
    const conversation = body.conversation ? await this.link.open(userId, body.conversation) : undefined;
    const builder = new TurnBuilder();
    if (conversation) itemsToTurns(conversation.items, 'conversation.items', builder);
    if (body.previous_response_id) {
      for (const earlier of await this.chain(userId, body.previous_response_id)) {
        itemsToTurns(earlier.input, 'previous_response.input', builder);
        itemsToTurns(earlier.output, 'previous_response.output', builder);
      }
    }
    itemsToTurns(inputItems, 'input', builder);
    const turns: ChatTurn[] = body.instructions ? [{ role: 'system', text: body.instructions }, ...builder.turns] : builder.turns;
    return { conversation, turns };
  }

  private async start(userId: string, body: ResponseCreateBody, signal: AbortSignal): Promise<Started> {
    refuseResponseLogprobs(body);
    const inputItems = storedInput(body.input);
    const options = {
      ...samplingOptions(body),
      maxTokens: maxTokens(body.max_output_tokens),
      format: outputFormat(body.text?.format && { type: body.text.format.type, schema: 'schema' in body.text.format ? body.text.format.schema : undefined }, 'text.format'),
    };
    const { conversation, turns } = await this.history(userId, body, inputItems);
    const choice = typeof body.tool_choice === 'object' && body.tool_choice !== null ? { name: body.tool_choice.name } : body.tool_choice;
    const toolOptions = toolUse(toolSpecs(body.tools), choice, 'tool_choice');
    const title = titleFrom(itemsToTurns(inputItems.filter((item) => item.type === 'message'), 'input').turns);
    // Nothing may throw after the job starts: it holds a slot until it is generated or cancelled.
    const job = await this.runner.start(body.model, (model) => model.prepareChat({ turns, ...toolOptions }), signal);
    const envelope = { id: newResponseId(), created_at: nowSeconds(), model: job.modelId, body, conversationId: conversation?.id ?? null };
    return { job, envelope, inputItems, conversation, title, options };
  }

  /** Stores the response and appends the turn to the conversation. */
  private async finish(userId: string, started: Started, result: GenerationResult, output: OutputItem[]) {
    const status = result.finishReason === 'length' ? 'incomplete' : 'completed';
    const response = responseObject(started.envelope, { status, output, usage: usageOf(result) });
    const { body } = started.envelope;
    if (body.store !== false) {
      await this.store.responses.insert({
        id: response.id,
        user_id: userId,
        previous_response_id: body.previous_response_id ?? null,
        body: JSON.stringify(response),
        input_items: JSON.stringify(started.inputItems),
        created_at: response.created_at,
      });
    }
    if (started.conversation) {
      const calls = output.filter((item) => item.type === 'function_call').map((item) => ({ id: String(item.call_id), name: String(item.name), arguments: String(item.arguments) }));
      const items = [...started.inputItems.map(({ id: _id, ...item }) => item as ItemInput), ...replyItems({ text: result.text, toolCalls: calls })];
      await this.link.record(userId, started.conversation, items, started.title);
    }
    return response;
  }

  async create(userId: string, body: ResponseCreateBody, signal: AbortSignal) {
    const started = await this.start(userId, body, signal);
    const result = await started.job.generate(started.options);
    if (result.finishReason === 'aborted') throw abortReason(signal);
    return this.finish(userId, started, result, outputItems(result, newId('msg'), callsOf(result)));
  }

  async stream(userId: string, body: ResponseCreateBody, signal: AbortSignal): Promise<SseProducer> {
    const started = await this.start(userId, body, signal);
    return async (send) => {
      const events = new ResponseEvents(send, newId('msg'));
      const initial = responseObject(started.envelope, { status: 'in_progress', output: [], usage: null });
      events.emit('response.created', { response: initial });
      events.emit('response.in_progress', { response: initial });
      const result = await started.job.generate({ ...started.options, onText: (delta) => events.text(delta) });
      if (result.finishReason === 'aborted') return;
      const output = outputItems(result, events.messageId, callsOf(result));
      events.finish(output);
      // A failed write rejects the producer: stream-response.ts logs it and sends the error frame.
      const response = await this.finish(userId, started, result, output);
      events.emit(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
    };
  }

  private async row(userId: string, id: string) {
    const row = await this.store.responses.get(userId, id);
    if (!row) throw notFound('response', id, 'response_id');
    return row;
  }

  async get(userId: string, id: string): Promise<unknown> {
    return currentShape(JSON.parse((await this.row(userId, id)).body) as Record<string, unknown>);
  }

  async delete(userId: string, id: string) {
    if (!(await this.store.responses.delete(userId, id))) throw notFound('response', id, 'response_id');
    return { id, object: 'response' as const, deleted: true as const };
  }

  async inputItems(userId: string, id: string, query: z.infer<typeof InputItemsQuery>) {
    const items = JSON.parse((await this.row(userId, id)).input_items) as StoredItem[];
    const ordered = query.order === 'asc' ? items : [...items].reverse();
    let start = 0;
    if (query.after) {
      start = ordered.findIndex((item) => item.id === query.after) + 1;
      if (start === 0) throw badRequest(`No input item '${query.after}' in this response to list after.`, 'after');
    }
    const page = ordered.slice(start, start + query.limit);
    return listEnvelope(page, start + query.limit < ordered.length);
  }
}
