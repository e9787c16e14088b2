/**
 * Anthropic's streaming events for one message, in Anthropic's order:
 *
 *   message_start (the message with empty content and the input usage)
 *   content_block_start, ping (once, after the first block opens), content_block_delta…, content_block_stop
 *     — a text block as the text arrives (`text_delta`), then one block per tool call (`input_json_delta`)
 *   message_delta ({stop_reason, stop_sequence}, {output_tokens}), message_stop
 *
 * Every event goes out as `event: <type>` + `data: <json>`. The text block opens with the first text, so a
 * reply of tool calls only has no empty text block before them (as the non-streamed message has none).
 */
import type { AnthropicResponseBlock, AnthropicUsage } from '../api/anthropic.js';
import type { SseSend } from '../inference/index.js';
import type { Stop, ToolUse } from './anthropic-reply.js';

export class MessageEvents {
  private blocks = 0;
  private textBlock: number | undefined;

  constructor(private readonly send: SseSend) {}

  private emit(event: { type: string } & Record<string, unknown>): void {
    this.send(event, event.type);
  }

  start(id: string, model: string, usage: AnthropicUsage): void {
    const message = { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage };
    this.emit({ type: 'message_start', message });
  }

  private open(block: AnthropicResponseBlock): number {
    const index = this.blocks++;
    this.emit({ type: 'content_block_start', index, content_block: block });
    if (index === 0) this.emit({ type: 'ping' });
    return index;
  }

  private close(index: number): void {
    this.emit({ type: 'content_block_stop', index });
  }

  text(text: string): void {
    this.textBlock ??= this.open({ type: 'text', text: '' });
    this.emit({ type: 'content_block_delta', index: this.textBlock, delta: { type: 'text_delta', text } });
  }

  finish(calls: readonly ToolUse[], stop: Stop, outputTokens: number): void {
    if (this.textBlock === undefined && calls.length === 0) this.textBlock = this.open({ type: 'text', text: '' });
    if (this.textBlock !== undefined) this.close(this.textBlock);
    for (const call of calls) {
      const index = this.open({ type: 'tool_use', id: call.id, name: call.name, input: {} });
      this.emit({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(call.input) } });
      this.close(index);
    }
    this.emit({ type: 'message_delta', delta: stop, usage: { output_tokens: outputTokens } });
    this.emit({ type: 'message_stop' });
  }
}
