/**
 * Turns a runtime `ChatPrompt` into node-llama-cpp's chat history, function definitions and (for forced
 * tool calls) the JSON schema that constrains the output. Pure data mapping: no native calls.
 *
 * Tool modes:
 * - `auto`: the functions are handed to LlamaChat, which documents them in the system prompt with the chat
 *   wrapper's own syntax and detects a call when the model starts one.
 * - forced (`required` or a named tool): LlamaChat cannot combine functions and a grammar, so the tools are
 *   described in a system message of our own and the output is constrained to the call's JSON by grammar.
 */
import type { ChatHistoryItem, ChatModelFunctions, ChatModelResponse } from 'node-llama-cpp';
import { PromptError, type ChatPrompt, type ToolSpec } from './inference-runtime.js';

export interface LlamaChatInput {
  history: ChatHistoryItem[];
  /** For `auto` tool use. */
  functions?: ChatModelFunctions;
  /** For forced tool use: the schema of the output, and how to read it back. */
  forced?: ForcedToolCall;
}

export type ForcedToolCall =
  /** The output is the arguments object of this tool. */
  | { kind: 'single'; name: string; schema: Record<string, unknown> }
  /** The output is `{"name": …, "arguments": {…}}` for one of the tools. */
  | { kind: 'choice'; schema: Record<string, unknown> };

const ANY_OBJECT = { type: 'object' } as const;

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text; // a model may have written invalid JSON earlier; show it as it was
  }
}

function toHistory(prompt: ChatPrompt): ChatHistoryItem[] {
  return prompt.turns.map((turn): ChatHistoryItem => {
    if (turn.role === 'system') return { type: 'system', text: turn.text };
    if (turn.role === 'user') return { type: 'user', text: turn.text };
    const response: ChatModelResponse['response'] = turn.text === '' ? [] : [turn.text];
    for (const call of turn.toolCalls ?? []) {
      response.push({ type: 'functionCall', name: call.name, params: parseArguments(call.arguments), result: call.result ?? '' });
    }
    return { type: 'model', response };
  });
}

function toFunctions(tools: ToolSpec[]): ChatModelFunctions {
  const functions: Record<string, ChatModelFunctions[string]> = {};
  for (const tool of tools) {
    functions[tool.name] = {
      ...(tool.description !== undefined && { description: tool.description }),
      ...(tool.parameters !== undefined && { params: tool.parameters as never }),
    };
  }
  return functions;
}

function describeTools(tools: ToolSpec[], forced: ForcedToolCall): string {
  const lines = tools.map((t) => `- ${t.name}${t.description ? `: ${t.description}` : ''}\n  arguments (JSON schema): ${JSON.stringify(t.parameters ?? ANY_OBJECT)}`);
  const how = forced.kind === 'single'
    ? `Call the function \`${forced.name}\`: reply with its arguments as one JSON object and nothing else.`
    : 'Call one of these functions: reply with {"name": <function name>, "arguments": <arguments object>} and nothing else.';
  return `Available functions:\n${lines.join('\n')}\n\n${how}`;
}

function forcedCall(tools: ToolSpec[], mode: 'required' | { name: string }): ForcedToolCall {
  if (typeof mode === 'object' || tools.length === 1) {
    const name = typeof mode === 'object' ? mode.name : tools[0]!.name;
    const tool = tools.find((t) => t.name === name);
    if (!tool) throw new PromptError(`tool_choice names '${name}', which is not among the tools.`, 'invalid_prompt', 'tool_choice');
    return { kind: 'single', name, schema: tool.parameters ?? ANY_OBJECT };
  }
  return {
    kind: 'choice',
    schema: {
      oneOf: tools.map((t) => ({
        type: 'object',
        properties: { name: { const: t.name }, arguments: t.parameters ?? ANY_OBJECT },
        required: ['name', 'arguments'],
      })),
    },
  };
}

/** Adds a system message after the leading system messages (or first). */
function withSystemNote(history: ChatHistoryItem[], text: string): ChatHistoryItem[] {
  const firstNonSystem = history.findIndex((item) => item.type !== 'system');
  const at = firstNonSystem === -1 ? history.length : firstNonSystem;
  return [...history.slice(0, at), { type: 'system', text }, ...history.slice(at)];
}

export function toLlamaChatInput(prompt: ChatPrompt): LlamaChatInput {
  const history = toHistory(prompt);
  const tools = prompt.tools ?? [];
  if (tools.length === 0) return { history };
  const mode = prompt.toolMode ?? 'auto';
  if (mode === 'auto') return { history, functions: toFunctions(tools) };
  const forced = forcedCall(tools, mode);
  return { history: withSystemNote(history, describeTools(tools, forced)), forced };
}

/** Reads a forced call's output back into a tool call. */
export function readForcedCall(forced: ForcedToolCall, text: string): { name: string; arguments: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined; // cut short by max_tokens or a stop sequence
  }
  if (forced.kind === 'single') return { name: forced.name, arguments: JSON.stringify(value) };
  const call = value as { name?: unknown; arguments?: unknown };
  if (typeof call?.name !== 'string') return undefined;
  return { name: call.name, arguments: JSON.stringify(call.arguments ?? {}) };
}
