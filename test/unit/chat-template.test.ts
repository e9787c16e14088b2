/** How chat prompts become node-llama-cpp chat history (no native code runs here). */
import { describe, expect, it } from 'vitest';
import { readForcedCall, toLlamaChatInput } from '../../server/runtime/llama-chat-history.js';
import { chatMessagesToTurns, itemsToTurns, turnItems } from '../../server/inference/chat-messages.js';

const weather = { name: 'weather', description: 'Weather by city', parameters: { type: 'object', properties: { city: { type: 'string' } } } };

describe('toLlamaChatInput', () => {
  it('maps turns to history items, tool calls with their results into the model response', () => {
    const input = toLlamaChatInput({
      turns: [
        { role: 'system', text: 'S' },
        { role: 'user', text: 'U' },
        { role: 'assistant', text: '', toolCalls: [{ name: 'weather', arguments: '{"city":"Oslo"}', result: 'cold' }] },
        { role: 'assistant', text: 'It is cold.' },
      ],
    });
    expect(input).toEqual({
      history: [
        { type: 'system', text: 'S' },
        { type: 'user', text: 'U' },
        { type: 'model', response: [{ type: 'functionCall', name: 'weather', params: { city: 'Oslo' }, result: 'cold' }] },
        { type: 'model', response: ['It is cold.'] },
      ],
    });
  });

  it('auto tool use hands the functions to LlamaChat', () => {
    const input = toLlamaChatInput({ turns: [{ role: 'user', text: 'U' }], tools: [weather], toolMode: 'auto' });
    expect(input.functions).toEqual({ weather: { description: 'Weather by city', params: weather.parameters } });
    expect(input.forced).toBeUndefined();
  });

  it('a named tool constrains the output to its arguments and documents it after the system messages', () => {
    const input = toLlamaChatInput({ turns: [{ role: 'system', text: 'S' }, { role: 'user', text: 'U' }], tools: [weather], toolMode: { name: 'weather' } });
    expect(input.forced).toEqual({ kind: 'single', name: 'weather', schema: weather.parameters });
    expect(input.functions).toBeUndefined();
    expect(input.history.map((h) => h.type)).toEqual(['system', 'system', 'user']);
    expect(input.history[1]).toMatchObject({ text: expect.stringContaining('Call the function `weather`') });
    expect(readForcedCall(input.forced!, '{ "city" : "Oslo" }')).toEqual({ name: 'weather', arguments: '{"city":"Oslo"}' });
    expect(readForcedCall(input.forced!, '{"city": "Os')).toBeUndefined();
  });

  it('required with several tools chooses among them by a oneOf schema', () => {
    const other = { name: 'time' };
    const input = toLlamaChatInput({ turns: [{ role: 'user', text: 'U' }], tools: [weather, other], toolMode: 'required' });
    expect(input.forced).toEqual({
      kind: 'choice',
      schema: {
        oneOf: [
          { type: 'object', properties: { name: { const: 'weather' }, arguments: weather.parameters }, required: ['name', 'arguments'] },
          { type: 'object', properties: { name: { const: 'time' }, arguments: { type: 'object' } }, required: ['name', 'arguments'] },
        ],
      },
    });
    expect(readForcedCall(input.forced!, '{"name":"time","arguments":{}}')).toEqual({ name: 'time', arguments: '{}' });
  });
});

describe('messages and items to turns', () => {
  it('attaches tool results across stored items and new messages', () => {
    const builder = itemsToTurns([
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather?' }] },
      { type: 'function_call', call_id: 'c1', name: 'weather', arguments: '{}' },
    ], 'items');
    const turns = chatMessagesToTurns([{ role: 'tool', tool_call_id: 'c1', content: 'sunny' }], builder);
    expect(turns).toEqual([
      { role: 'user', text: 'Weather?' },
      { role: 'assistant', text: '', toolCalls: [{ name: 'weather', arguments: '{}', result: 'sunny' }] },
    ]);
  });

  it('stores a turn as items: user input, tool outputs and the reply, never system prompts', () => {
    const items = turnItems(
      [{ role: 'system', content: 'S' }, { role: 'user', content: 'Hi' }, { role: 'tool', tool_call_id: 'c1', content: 'out' }],
      { text: 'Hello', toolCalls: [{ id: 'call_2', name: 'f', arguments: '{}' }] },
    );
    expect(items).toEqual([
      { type: 'message', role: 'user', content: 'Hi' },
      { type: 'function_call_output', call_id: 'c1', output: 'out' },
      { type: 'message', role: 'assistant', content: 'Hello' },
      { type: 'function_call', call_id: 'call_2', name: 'f', arguments: '{}' },
    ]);
  });
});
