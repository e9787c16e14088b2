/**
 * The official `@anthropic-ai/sdk` against /v1/messages with the designed model (greedy: "Hey world"). The
 * SDK takes the server's root as its base URL and appends /v1/messages itself; it sends its key as
 * `Authorization: Bearer` (the raw `x-api-key` header is covered in test/http/anthropic-messages.test.ts).
 * This SDK's types have no `temperature`: requests sample at the server's default, which on the designed
 * model (its chosen token leads every other by 12 logits) still yields exactly "Hey world".
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGNED_REPLY } from '../support/gguf/designed-model.js';
import { chatPromptTokens, DESIGNED, startModelServer } from '../support/model-server.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer;
let client: Anthropic;
beforeAll(async () => {
  server = await startModelServer();
  client = new Anthropic({ baseURL: server.url, apiKey: TEST_ADMIN_KEY, maxRetries: 0 });
});
afterAll(() => server.close());

const messages = [{ role: 'user' as const, content: 'Hi there' }];
const totalInput = (usage: Anthropic.Usage) => usage.input_tokens + (usage.cache_read_input_tokens ?? 0);

describe('the Anthropic SDK', () => {
  it('messages.create: a text block, end_turn and usage', async () => {
    const message = await client.messages.create({ model: DESIGNED, max_tokens: 64, messages });
    expect(message).toMatchObject({
      id: expect.stringMatching(/^msg_/), type: 'message', role: 'assistant', model: DESIGNED,
      content: [{ type: 'text', text: DESIGNED_REPLY }], stop_reason: 'end_turn', stop_sequence: null,
      usage: { output_tokens: 10, cache_creation_input_tokens: 0 },
    });
    expect(totalInput(message.usage)).toBe(chatPromptTokens('Hi there'));
  });

  it('messages.stream: the events in Anthropic\'s order, and the same final message', async () => {
    const stream = client.messages.stream({ model: DESIGNED, max_tokens: 64, messages });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }
    const deltas = types.filter((t) => t === 'content_block_delta').length;
    expect(deltas).toBeGreaterThan(0);
    // The SDK swallows `ping` events: the order is message_start, block start, deltas, block stop, delta, stop.
    expect(types).toEqual(['message_start', 'content_block_start', ...Array<string>(deltas).fill('content_block_delta'), 'content_block_stop', 'message_delta', 'message_stop']);
    expect(text).toBe(DESIGNED_REPLY);
    const final = await stream.finalMessage();
    expect(final).toMatchObject({ content: [{ type: 'text', text: DESIGNED_REPLY }], stop_reason: 'end_turn', usage: { output_tokens: 10 } });
    expect(totalInput(final.usage)).toBe(chatPromptTokens('Hi there'));
  });

  it('the raw stream (x-api-key): every frame `event: <type>` + `data:`, ping after the first block starts', async () => {
    const res = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': TEST_ADMIN_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: DESIGNED, max_tokens: 64, stream: true, messages }),
    });
    const events = parseSse(await res.text());
    for (const e of events) expect(e.event).toBe(e.json.type);
    expect(events.map((e) => e.event)).toEqual([
      'message_start', 'content_block_start', 'ping', ...Array<string>(events.length - 6).fill('content_block_delta'), 'content_block_stop', 'message_delta', 'message_stop',
    ]);
    expect(events.filter((e) => e.event === 'content_block_delta').map((e) => e.json.delta.text).join('')).toBe(DESIGNED_REPLY);
  });

  it('messages.countTokens: the prompt as create reads it', async () => {
    expect(await client.messages.countTokens({ model: DESIGNED, messages })).toEqual({ input_tokens: chatPromptTokens('Hi there') });
  });

  it('system + multi-turn: counted and answered', async () => {
    const conversation = [
      { role: 'user' as const, content: 'Hi there' },
      { role: 'assistant' as const, content: [{ type: 'text' as const, text: DESIGNED_REPLY }] },
      { role: 'user' as const, content: [{ type: 'text' as const, text: 'Again?' }] },
    ];
    const system = [{ type: 'text' as const, text: 'You are terse.' }];
    const { input_tokens } = await client.messages.countTokens({ model: DESIGNED, system, messages: conversation });
    expect(input_tokens).toBeGreaterThan(chatPromptTokens('Hi there') + 'You are terse.'.length + 'Again?'.length);
    const message = await client.messages.create({ model: DESIGNED, max_tokens: 64, system, messages: conversation });
    expect(message.content).toEqual([{ type: 'text', text: DESIGNED_REPLY }]);
    expect(totalInput(message.usage)).toBe(input_tokens);
  });

  it('stop_sequences: stop_reason stop_sequence names the sequence; streamed too', async () => {
    const message = await client.messages.create({ model: DESIGNED, max_tokens: 64, stop_sequences: ['xyz', 'wor'], messages });
    expect(message).toMatchObject({ content: [{ type: 'text', text: 'Hey ' }], stop_reason: 'stop_sequence', stop_sequence: 'wor' });
    const final = await client.messages.stream({ model: DESIGNED, max_tokens: 64, stop_sequences: ['wor'], messages }).finalMessage();
    expect(final).toMatchObject({ content: [{ type: 'text', text: 'Hey ' }], stop_reason: 'stop_sequence', stop_sequence: 'wor' });
  });

  it('max_tokens: stop_reason max_tokens after that many tokens', async () => {
    const message = await client.messages.create({ model: DESIGNED, max_tokens: 3, messages });
    expect(message).toMatchObject({ content: [{ type: 'text', text: 'Hey' }], stop_reason: 'max_tokens', stop_sequence: null, usage: { output_tokens: 3 } });
  });

  it('a forced tool: a tool_use block whose input the grammar shaped', async () => {
    const message = await client.messages.create({
      model: DESIGNED, max_tokens: 64, messages,
      tools: [{ name: 'greet', input_schema: { type: 'object', properties: { name: { type: 'string' } } } }],
      tool_choice: { type: 'tool', name: 'greet' },
    });
    expect(message).toMatchObject({ content: [{ type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'greet', input: { name: DESIGNED_REPLY } }], stop_reason: 'tool_use' });
  });

  it('errors are the SDK\'s typed errors, from Anthropic\'s error bodies', async () => {
    const notFound = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 8, messages }).catch((e: unknown) => e);
    expect(notFound).toBeInstanceOf(Anthropic.NotFoundError);
    expect((notFound as InstanceType<typeof Anthropic.NotFoundError>).type).toBe('not_found_error');
    const stranger = new Anthropic({ baseURL: server.url, apiKey: 'sk_not_a_key', maxRetries: 0 });
    const denied = await stranger.messages.create({ model: DESIGNED, max_tokens: 8, messages }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((denied as InstanceType<typeof Anthropic.AuthenticationError>).type).toBe('authentication_error');
  });
});
