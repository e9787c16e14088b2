/**
 * An Anthropic request's `system`, `messages`, `tools` and `tool_choice` as the runtime's chat prompt.
 *
 * Blocks: text blocks of one message are joined with a newline; an assistant's `tool_use` blocks become the
 * turn's tool calls and a user's `tool_result` blocks their results (by `tool_use_id`, as OpenAI's `tool`
 * messages are); image and document blocks are refused (400), since the local models read text only.
 */
import type { AnthropicContentBlock, AnthropicCountTokensBody, AnthropicMessageParam } from '../api/anthropic.js';
import { AppError, badRequest } from '../errors/app-error.js';
import { toolUse, TurnBuilder, type ToolChoiceInput } from '../inference/index.js';
import type { ChatPrompt, ToolSpec } from '../runtime/inference-runtime.js';

type Block = AnthropicContentBlock;
type ResultContent = Extract<Block, { type: 'tool_result' }>['content'];

function unsupported(type: string, param: string): never {
  throw badRequest(
    `${param}: content blocks of type '${type}' are not supported; the local models take text only. Send the text instead (for an image, its description or OCR text).`,
    `${param}.type`,
    'unsupported_content',
  );
}

function textOf(blocks: ReadonlyArray<{ type: string; text?: unknown }>, param: string): string {
  return blocks
    .map((block, i) => (block.type === 'text' ? String(block.text) : unsupported(block.type, `${param}[${i}]`)))
    .join('\n');
}

function resultText(content: ResultContent, isError: boolean | undefined, param: string): string {
  const text = content === undefined ? '' : typeof content === 'string' ? content : textOf(content, param);
  return isError ? `Error: ${text}` : text;
}

function misplaced(block: Block, role: string, param: string): never {
  const where = block.type === 'tool_use' ? 'assistant' : 'user';
  throw badRequest(`${param}: ${block.type} blocks belong in ${where} messages (this message's role is '${role}').`, `${param}.type`);
}

/** One message's blocks into turns: tool results first (they answer the turn before), then the text. */
function addMessage(builder: TurnBuilder, message: AnthropicMessageParam, param: string): void {
  if (typeof message.content === 'string') {
    builder.text(message.role, message.content);
    return;
  }
  const texts: Array<{ type: 'text'; text: string }> = [];
  const calls: Array<Extract<Block, { type: 'tool_use' }>> = [];
  message.content.forEach((block, i) => {
    const at = `${param}[${i}]`;
    if (block.type === 'text') texts.push(block);
    else if (block.type === 'tool_use') {
      if (message.role !== 'assistant') misplaced(block, message.role, at);
      calls.push(block);
    } else if (block.type === 'tool_result') {
      if (message.role !== 'user') misplaced(block, message.role, at);
      builder.result(block.tool_use_id, resultText(block.content, block.is_error, `${at}.content`), `${at}.tool_use_id`);
    } else unsupported(block.type, at);
  });
  const text = textOf(texts, param);
  // A message of tool results (or tool calls) and no text adds no empty turn of its own.
  const toolsOnly = message.content.some((block) => block.type === 'tool_result' || block.type === 'tool_use');
  if (text !== '' || !toolsOnly) builder.text(message.role, text);
  for (const call of calls) builder.call(call.id, call.name, JSON.stringify(call.input));
}

function toolChoice(choice: AnthropicCountTokensBody['tool_choice']): ToolChoiceInput {
  if (!choice) return undefined;
  if (choice.type === 'any') return 'required';
  if (choice.type === 'tool') return { name: choice.name };
  return choice.type;
}

/** The chat path's tool checks; Anthropic's error body has no `param`, so a bad schema's message names it. */
function anthropicToolUse(tools: ToolSpec[], choice: ToolChoiceInput): Pick<ChatPrompt, 'tools' | 'toolMode'> {
  try {
    return toolUse(tools, choice, 'tool_choice');
  } catch (error) {
    const param = error instanceof AppError ? error.param?.replace(/\.parameters$/, '.input_schema') : undefined;
    if (!param?.startsWith('tools[')) throw error;
    throw badRequest(`${param}: ${(error as AppError).message}`, param, (error as AppError).code ?? undefined);
  }
}

export function anthropicPrompt(body: AnthropicCountTokensBody): ChatPrompt {
  const builder = new TurnBuilder();
  if (body.system !== undefined) {
    const system = typeof body.system === 'string' ? body.system : textOf(body.system, 'system');
    if (system !== '') builder.text('system', system);
  }
  body.messages.forEach((message, i) => addMessage(builder, message, `messages[${i}].content`));
  const tools: ToolSpec[] = (body.tools ?? []).map((tool) => ({
    name: tool.name,
    ...(tool.description !== undefined && { description: tool.description }),
    parameters: tool.input_schema,
  }));
  return { turns: builder.turns, ...anthropicToolUse(tools, toolChoice(body.tool_choice)) };
}
