/**
 * Converts what clients send (chat messages, Responses input items, stored conversation items) into the
 * runtime's chat turns, and a generated reply back into conversation items.
 *
 * Tool calls: a `tool` message (or `function_call_output` item) answers an earlier call by its id; the
 * runtime wants each call together with its result, so results are attached to their calls here.
 */
import type { ChatContentPart, ChatMessage } from '../api/chat.js';
import type { ItemInput } from '../api/items.js';
import { badRequest } from '../errors/app-error.js';
import type { ChatTurn, GeneratedToolCall, ToolCallTurn } from '../runtime/inference-runtime.js';

const TEXT_PARTS = new Set(['text', 'input_text', 'output_text']);

/** The text of a message's content; models here take text only. */
export function contentText(content: string | readonly ChatContentPart[] | null | undefined, param: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part, i) => {
      if (part.type === 'refusal') return '';
      if (!TEXT_PARTS.has(part.type)) {
        throw badRequest(`${param}[${i}]: content of type '${part.type}' is not supported; the local models take text only.`, `${param}[${i}].type`);
      }
      return typeof part.text === 'object' ? part.text.value : (part.text ?? '');
    })
    .join('');
}

/** Collects calls by id so that later results can be attached. */
class TurnBuilder {
  readonly turns: ChatTurn[] = [];
  private readonly calls = new Map<string, ToolCallTurn>();

  text(role: 'system' | 'user' | 'assistant', text: string): void {
    this.turns.push(role === 'assistant' ? { role, text, toolCalls: [] } : { role, text });
  }

  call(callId: string, name: string, args: string): void {
    let last = this.turns.at(-1);
    if (last?.role !== 'assistant') {
      last = { role: 'assistant', text: '', toolCalls: [] };
      this.turns.push(last);
    }
    const call: ToolCallTurn = { name, arguments: args, result: null };
    last.toolCalls!.push(call);
    this.calls.set(callId, call);
  }

  result(callId: string, output: string, param: string): void {
    const call = this.calls.get(callId);
    if (!call) throw badRequest(`${param}: no earlier tool call has the id '${callId}'.`, param);
    call.result = output;
  }
}

export function chatMessagesToTurns(messages: readonly ChatMessage[], builder = new TurnBuilder()): ChatTurn[] {
  messages.forEach((message, i) => {
    const param = `messages[${i}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
      case 'user':
        builder.text(message.role === 'user' ? 'user' : 'system', contentText(message.content, `${param}.content`));
        break;
      case 'assistant': {
        const text = contentText(message.content, `${param}.content`);
        if (text !== '' || !message.tool_calls?.length) builder.text('assistant', text);
        for (const call of message.tool_calls ?? []) builder.call(call.id, call.function.name, call.function.arguments);
        break;
      }
      case 'tool':
        builder.result(message.tool_call_id, contentText(message.content, `${param}.content`), `${param}.tool_call_id`);
        break;
    }
  });
  return builder.turns;
}

/** Stored or Responses-API items (OpenAI flat form or item input) into turns. */
export function itemsToTurns(items: readonly Record<string, unknown>[], param: string, builder = new TurnBuilder()): TurnBuilder {
  items.forEach((item, i) => {
    const type = item.type ?? 'message';
    if (type === 'message') {
      const role = item.role === 'developer' ? 'system' : (item.role as 'system' | 'user' | 'assistant');
      builder.text(role, contentText(item.content as string | ChatContentPart[], `${param}[${i}].content`));
    } else if (type === 'function_call') {
      builder.call(String(item.call_id), String(item.name), String(item.arguments ?? '{}'));
    } else if (type === 'function_call_output') {
      builder.result(String(item.call_id), String(item.output ?? ''), `${param}[${i}].call_id`);
    }
    // Other item types (reasoning, web search calls, …) carry nothing a local model can read.
  });
  return builder;
}

export { TurnBuilder };

/** The first user text of a turn, for a conversation title. */
export function titleFrom(turns: readonly ChatTurn[]): string | null {
  const text = turns.find((t) => t.role === 'user')?.text.replace(/\s+/g, ' ').trim();
  if (!text) return null;
  return text.length <= 60 ? text : `${text.slice(0, 59).trimEnd()}…`;
}

export interface ToolCallWithId extends GeneratedToolCall {
  id: string;
}

/** Conversation items for one turn: the new input (system prompts excluded: clients resend them) and the reply. */
export function turnItems(messages: readonly ChatMessage[], reply: { text: string; toolCalls: ToolCallWithId[] }): ItemInput[] {
  const items: ItemInput[] = [];
  for (const message of messages) {
    if (message.role === 'user') items.push({ type: 'message', role: 'user', content: contentText(message.content, 'messages') });
    else if (message.role === 'tool') {
      items.push({ type: 'function_call_output', call_id: message.tool_call_id, output: contentText(message.content, 'messages') });
    } else if (message.role === 'assistant') {
      const text = contentText(message.content, 'messages');
      if (text !== '') items.push({ type: 'message', role: 'assistant', content: text });
      for (const call of message.tool_calls ?? []) {
        items.push({ type: 'function_call', call_id: call.id, name: call.function.name, arguments: call.function.arguments });
      }
    }
  }
  return [...items, ...replyItems(reply)];
}

export function replyItems(reply: { text: string; toolCalls: ToolCallWithId[] }): ItemInput[] {
  const items: ItemInput[] = [];
  if (reply.text !== '' || reply.toolCalls.length === 0) items.push({ type: 'message', role: 'assistant', content: reply.text });
  for (const call of reply.toolCalls) items.push({ type: 'function_call', call_id: call.id, name: call.name, arguments: call.arguments });
  return items;
}
