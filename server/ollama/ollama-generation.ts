/**
 * Runs one Ollama chat or generate request on the chat or completions service's event producer, and turns
 * its OpenAI chunks into Ollama's lines: `{model, created_at, message|response, done:false}` per piece of
 * text, then `done: true` with `done_reason` and the timings in nanoseconds. Without streaming the same
 * lines are gathered into one object.
 *
 * Timings: `load_duration` is the load this request waited for (0 when the model was in memory);
 * `prompt_eval_duration` runs from the start of generation to the first text, `eval_duration` from there to
 * the end; `total_duration` from the request's start to the end. `prompt_eval_count` counts the whole prompt
 * (cached tokens included), `eval_count` the generated tokens.
 */
import type { SseProducer } from '../inference/index.js';
import type { ModelsService } from '../models/index.js';
import { modelIdOf, orModelNotFound } from './model-names.js';
import { nowNs, sinceNs, type NdjsonProducer, type OllamaReply } from './ollama-deps.js';

/** A request under way: the model as the client named it, the model id, when it started, what loading cost. */
export interface OllamaRequest {
  name: string;
  id: string;
  startedAt: bigint;
  loadNs: number;
}

export const lineBase = (request: OllamaRequest) => ({ model: request.name, created_at: new Date().toISOString() });

/** Loads the model when it is not in memory (404 in Ollama's words when it is not installed), timing the load. */
export async function beginRequest(models: ModelsService, name: string): Promise<OllamaRequest> {
  const startedAt = nowNs();
  const id = modelIdOf(name);
  if (!models.loaded().some((m) => m.id === id)) await orModelNotFound(name, () => models.load(id));
  return { name, id, startedAt, loadNs: sinceNs(startedAt) };
}

export interface OllamaToolCallOut {
  function: { index: number; name: string; arguments: unknown };
}

interface Outcome {
  doneReason: 'stop' | 'length';
  promptTokens: number;
  completionTokens: number;
  promptEvalNs: number;
  evalNs: number;
}

interface Chunk {
  choices?: Array<{
    text?: string;
    delta?: { content?: string | null; tool_calls?: Array<{ index: number; function: { name: string; arguments: string } }> };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens: number; completion_tokens: number } | null;
}

function parsedArguments(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json; // not JSON: passed on as the model wrote it
  }
}

/** Runs the producer; undefined when it ended without its usage chunk (the client went away). */
async function drive(
  produce: SseProducer,
  onText: (text: string) => void,
  onCalls: (calls: OllamaToolCallOut[]) => void,
): Promise<Outcome | undefined> {
  const started = nowNs();
  let firstText: bigint | undefined;
  let doneReason: Outcome['doneReason'] = 'stop';
  let usage: Chunk['usage'];
  await produce((data) => {
    const chunk = data as Chunk;
    usage = chunk.usage ?? usage;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const text = choice.delta?.content ?? choice.text;
    if (text) {
      firstText ??= nowNs();
      onText(text);
    }
    const calls = choice.delta?.tool_calls ?? [];
    if (calls.length > 0) {
      onCalls(calls.map((c) => ({ function: { index: c.index, name: c.function.name, arguments: parsedArguments(c.function.arguments) } })));
    }
    if (choice.finish_reason === 'length') doneReason = 'length';
  });
  if (!usage) return undefined;
  const ended = nowNs();
  const firstAt = firstText ?? ended;
  return {
    doneReason,
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    promptEvalNs: Number(firstAt - started),
    evalNs: Number(ended - firstAt),
  };
}

function doneFields(request: OllamaRequest, outcome: Outcome) {
  return {
    done: true as const,
    done_reason: outcome.doneReason,
    total_duration: sinceNs(request.startedAt),
    load_duration: request.loadNs,
    prompt_eval_count: outcome.promptTokens,
    prompt_eval_duration: outcome.promptEvalNs,
    eval_count: outcome.completionTokens,
    eval_duration: outcome.evalNs,
  };
}

/** How a reply's lines carry text: chat's `message`, generate's `response`. */
export interface ReplyShape {
  piece(text: string, calls?: OllamaToolCallOut[]): object;
}

export const chatShape: ReplyShape = {
  piece: (content, calls) => ({ message: { role: 'assistant', content, ...(calls && calls.length > 0 && { tool_calls: calls }) } }),
};

export const generateShape: ReplyShape = { piece: (response) => ({ response }) };

export async function reply(
  request: OllamaRequest,
  produce: SseProducer,
  shape: ReplyShape,
  stream: boolean,
  signal: AbortSignal,
): Promise<OllamaReply> {
  if (stream) {
    const lines: NdjsonProducer = async (send) => {
      const line = (fields: object) => send({ ...lineBase(request), ...fields, done: false });
      const outcome = await drive(produce, (text) => line(shape.piece(text)), (calls) => line(shape.piece('', calls)));
      if (outcome) send({ ...lineBase(request), ...shape.piece(''), ...doneFields(request, outcome) });
    };
    return { stream: lines };
  }
  let text = '';
  const calls: OllamaToolCallOut[] = [];
  const outcome = await drive(produce, (t) => (text += t), (c) => calls.push(...c));
  if (!outcome) {
    signal.throwIfAborted();
    throw new Error('the generation ended without a result');
  }
  return { json: { ...lineBase(request), ...shape.piece(text, calls), ...doneFields(request, outcome) } };
}
