/**
 * Ollama's chat and generate requests as the `/v1` services take them: messages, tools, `format` (the same
 * grammar path as `response_format`) and `options` (sampling; `num_predict` → max tokens). What a local text
 * model cannot do (images, thinking, logprobs, fill-in-the-middle, token contexts) is a 400 saying so.
 */
import type { ChatCompletionBody, ChatMessage } from '../api/chat.js';
import type { CompletionBody } from '../api/completions.js';
import type { OllamaChatBody, OllamaGenerateBody, OllamaMessage, OllamaOptions } from '../api/ollama.js';
import { badRequest } from '../errors/app-error.js';

const unsupported = (param: string, message: string) => badRequest(message, param, 'unsupported_value');

const IMAGES = 'images are not supported: the models this server runs take text only.';

/** Fields both requests may carry that no model here can honour. */
export function refuseUnsupported(body: Pick<OllamaChatBody, 'model' | 'think' | 'logprobs'>): void {
  if (body.think !== undefined && body.think !== null && body.think !== false) {
    throw unsupported('think', `'${body.model}' does not support thinking.`);
  }
  if (body.logprobs) throw unsupported('logprobs', 'logprobs are not supported.');
}

/** OpenAI's sampling fields from Ollama's options; `num_predict` ≤ 0 (Ollama's -1 and -2) means no limit. */
function sampling(options: OllamaOptions | null | undefined) {
  const o = options ?? {};
  return {
    temperature: o.temperature,
    top_p: o.top_p,
    top_k: o.top_k,
    min_p: o.min_p,
    seed: o.seed,
    stop: o.stop,
    repeat_penalty: o.repeat_penalty,
    presence_penalty: o.presence_penalty,
    frequency_penalty: o.frequency_penalty,
    max_tokens: o.num_predict !== undefined && o.num_predict > 0 ? o.num_predict : undefined,
  };
}

function responseFormat(format: OllamaChatBody['format']): ChatCompletionBody['response_format'] {
  if (format === undefined || format === null || format === '') return undefined;
  if (format === 'json') return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { schema: format } };
}

/**
 * Ollama's messages as OpenAI's. Tool calls get ids here; a `tool` message answers the earliest unanswered
 * call of the function it names (`tool_name`), else the earliest unanswered call.
 */
export function chatMessages(messages: readonly OllamaMessage[]): ChatMessage[] {
  const unanswered: Array<{ id: string; name: string }> = [];
  let next = 0;
  return messages.map((m, i): ChatMessage => {
    if (m.images?.length) throw unsupported(`messages[${i}].images`, IMAGES);
    if (m.role === 'system' || m.role === 'user') return { role: m.role, content: m.content };
    if (m.role === 'assistant') {
      const calls = (m.tool_calls ?? []).map((call) => {
        const id = `call_${next++}`;
        unanswered.push({ id, name: call.function.name });
        const args = call.function.arguments;
        const text = typeof args === 'string' ? args : JSON.stringify(args);
        return { id, type: 'function' as const, function: { name: call.function.name, arguments: text } };
      });
      return { role: 'assistant', content: m.content, ...(calls.length > 0 && { tool_calls: calls }) };
    }
    const named = unanswered.findIndex((call) => call.name === m.tool_name);
    const [call] = unanswered.splice(Math.max(named, 0), 1);
    if (!call) {
      throw badRequest(`messages[${i}]: a tool message answers an earlier assistant tool call, and none is left to answer.`, `messages[${i}]`);
    }
    return { role: 'tool', content: m.content, tool_call_id: call.id };
  });
}

/** Every stream asks for usage: the last line's counts come from it. */
const STREAMED = { stream: true, stream_options: { include_usage: true } };

export function chatRequest(id: string, body: OllamaChatBody): ChatCompletionBody {
  return {
    model: id,
    messages: chatMessages(body.messages),
    ...sampling(body.options),
    ...STREAMED,
    response_format: responseFormat(body.format),
    tools: body.tools?.map((tool) => ({ type: 'function' as const, function: tool.function })),
  };
}

/** `/api/generate` without `raw` or `template`: the model's chat template around `system` and `prompt`. */
export function generateChatRequest(id: string, body: OllamaGenerateBody): ChatCompletionBody {
  const messages: ChatMessage[] = [{ role: 'user', content: body.prompt }];
  if (body.system) messages.unshift({ role: 'system', content: body.system });
  return { model: id, messages, ...sampling(body.options), ...STREAMED, response_format: responseFormat(body.format) };
}

/** A raw prompt (or one rendered from `template`) for the completions service; no limit unless num_predict says. */
export function completionRequest(id: string, prompt: string, body: OllamaGenerateBody): CompletionBody {
  if (body.format) throw unsupported('format', 'format needs the model\'s chat template: send it without raw or template.');
  const options = sampling(body.options);
  return { model: id, prompt, ...options, max_tokens: options.max_tokens ?? Number.MAX_SAFE_INTEGER, ...STREAMED };
}

export function refuseUnsupportedGenerate(body: OllamaGenerateBody): void {
  refuseUnsupported(body);
  if (body.images?.length) throw unsupported('images', IMAGES);
  if (body.suffix) throw unsupported('suffix', 'suffix (fill-in-the-middle) is not supported.');
  if (body.context?.length) {
    throw unsupported('context', 'context (the token ids of an earlier answer) is not supported: use /api/chat for conversations.');
  }
}
