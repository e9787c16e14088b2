/**
 * A generation as Anthropic's `message` object: content blocks (text, then `tool_use`), `stop_reason`,
 * `stop_sequence` and usage.
 *
 * Usage follows Anthropic's arithmetic (total input = `input_tokens` + `cache_creation_input_tokens` +
 * `cache_read_input_tokens`): prompt tokens the slot's KV cache already held are `cache_read_input_tokens`,
 * the rest `input_tokens`; nothing is ever written to a cache on request, so `cache_creation_input_tokens` is 0.
 */
import type { AnthropicMessage, AnthropicResponseBlock, AnthropicStopReason, AnthropicUsage } from '../api/anthropic.js';
import { generatedId } from '../inference/index.js';
import type { GenerationResult } from '../runtime/inference-runtime.js';

export interface ToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/** The runtime writes arguments with JSON.stringify, so they parse; anything else is an empty input. */
function toolInput(args: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(args);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function toolUses(result: GenerationResult): ToolUse[] {
  return result.toolCalls.map((call) => ({ id: generatedId('toolu_'), name: call.name, input: toolInput(call.arguments) }));
}

export interface Stop {
  stop_reason: AnthropicStopReason;
  /** The stop sequence that ended the reply, when `stop_reason` is `stop_sequence`. */
  stop_sequence: string | null;
}

export function stopOf(result: GenerationResult, calls: readonly ToolUse[]): Stop {
  if (calls.length > 0 || result.finishReason === 'tool_calls') return { stop_reason: 'tool_use', stop_sequence: null };
  if (result.finishReason === 'length') return { stop_reason: 'max_tokens', stop_sequence: null };
  if (result.stopSequence !== undefined) return { stop_reason: 'stop_sequence', stop_sequence: result.stopSequence };
  return { stop_reason: 'end_turn', stop_sequence: null };
}

export function usage(promptTokens: number, cachedTokens: number, outputTokens: number): AnthropicUsage {
  return {
    input_tokens: promptTokens - cachedTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cachedTokens,
  };
}

/** A text block unless the reply is tool calls only (so an empty reply is one empty text block), then the calls. */
export function contentBlocks(text: string, calls: readonly ToolUse[]): AnthropicResponseBlock[] {
  const blocks: AnthropicResponseBlock[] = text !== '' || calls.length === 0 ? [{ type: 'text', text }] : [];
  for (const call of calls) blocks.push({ type: 'tool_use', ...call });
  return blocks;
}

export function messageObject(id: string, model: string, result: GenerationResult, calls: readonly ToolUse[]): AnthropicMessage {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: contentBlocks(result.text, calls),
    ...stopOf(result, calls),
    usage: usage(result.promptTokens, result.cachedTokens, result.completionTokens),
  };
}
