/** Chat completions through HTTP with the real runtime and the designed model: exact text, usage and framing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGNED_JSON_REPLY, DESIGNED_JSON_SCHEMA, DESIGNED_REPLY } from '../support/gguf/designed-model.js';
import { chatPromptTokens, DESIGNED, startModelServer } from '../support/model-server.js';
import { rawRequest } from '../support/raw-http.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

const hi = [{ role: 'user', content: 'Hi there' }];
const chat = (body: Record<string, unknown>) =>
  server.request('/v1/chat/completions', { method: 'POST', token: TEST_ADMIN_KEY, body: { model: DESIGNED, temperature: 0, ...body } });
const streamChat = async (body: Record<string, unknown>) => {
  const res = await rawRequest(server.url, {
    method: 'POST', path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json', 'accept-encoding': 'gzip' },
    body: JSON.stringify({ model: DESIGNED, temperature: 0, stream: true, ...body }),
  });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
  expect(res.headers['content-encoding']).toBeUndefined();
  return parseSse(res.body.toString('utf8'));
};

describe('chat completions with the designed model', () => {
  it('answers exactly "Hey world" with exact token counts', async () => {
    const res = await chat({ messages: hi });
    expect(res.status).toBe(200);
    expect(res.json.choices).toEqual([
      { index: 0, message: { role: 'assistant', content: DESIGNED_REPLY, refusal: null }, logprobs: null, finish_reason: 'stop' },
    ]);
    // 9 characters, one token each, then the end-of-sequence token.
    expect(res.json.usage).toEqual({
      prompt_tokens: chatPromptTokens('Hi there'), completion_tokens: 10, total_tokens: chatPromptTokens('Hi there') + 10,
      prompt_tokens_details: { cached_tokens: expect.any(Number) }, completion_tokens_details: { reasoning_tokens: 0 },
    });
    expect(res.json.model).toBe(DESIGNED);
  });

  it('streams one chunk per token, then finish_reason stop and [DONE]', async () => {
    const events = await streamChat({ messages: hi });
    expect(events.at(-1)!.data).toBe('[DONE]');
    const deltas = events.slice(0, -1).map((e) => e.json.choices[0].delta);
    expect(deltas).toEqual([{ role: 'assistant', content: '', refusal: null }, ...[...DESIGNED_REPLY].map((ch) => ({ content: ch })), {}]);
    expect(events.at(-2)!.json.choices[0].finish_reason).toBe('stop');
  });

  it('include_usage adds a final usage chunk', async () => {
    const events = await streamChat({ messages: hi, stream_options: { include_usage: true } });
    const last = events.at(-2)!.json;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: chatPromptTokens('Hi there'), completion_tokens: 10 });
    expect(events.slice(0, -2).every((e) => e.json.usage === null)).toBe(true);
  });

  it('stops before a stop sequence and at max_tokens (finish_reason length)', async () => {
    const stopped = await chat({ messages: hi, stop: [' wo'] });
    expect(stopped.json.choices[0]).toMatchObject({ message: { content: 'Hey' }, finish_reason: 'stop' });
    const short = await chat({ messages: hi, max_tokens: 4 });
    expect(short.json.choices[0]).toMatchObject({ message: { content: 'Hey ' }, finish_reason: 'length' });
    expect(short.json.usage.completion_tokens).toBe(4);
  });

  it('follows a json_schema by grammar', async () => {
    const res = await chat({ messages: hi, response_format: { type: 'json_schema', json_schema: { name: 'person', schema: DESIGNED_JSON_SCHEMA } } });
    expect(res.json.choices[0]).toMatchObject({ message: { content: DESIGNED_JSON_REPLY }, finish_reason: 'stop' });
  });

  it('calls a forced tool with arguments as a JSON string', async () => {
    const tools = [{ type: 'function', function: { name: 'greet', description: 'Greets someone', parameters: DESIGNED_JSON_SCHEMA } }];
    const res = await chat({ messages: hi, tools, tool_choice: { type: 'function', function: { name: 'greet' } } });
    expect(res.json.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant', content: null, refusal: null,
        tool_calls: [{ id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'greet', arguments: DESIGNED_JSON_REPLY } }],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
  });

  it('reuses the KV cache for the next turn of a conversation and stores the turns', async () => {
    const conversation = await server.request('/v1/conversations', { method: 'POST', token: TEST_ADMIN_KEY, body: {} });
    const first = await chat({ messages: [{ role: 'user', content: 'Hello there friend' }], conversation: { id: conversation.json.id } });
    expect(first.json.conversation).toEqual({ id: conversation.json.id, title: 'Hello there friend' });
    const second = await chat({ messages: [{ role: 'user', content: 'And again' }], conversation: conversation.json.id });
    expect(second.json.choices[0].message.content).toBe(DESIGNED_REPLY);
    // The first turn (prompt and reply) was in the slot's cache: only the new message was evaluated.
    expect(second.json.usage.prompt_tokens_details.cached_tokens).toBe(chatPromptTokens('Hello there friend') + DESIGNED_REPLY.length);
    const items = await server.request(`/v1/conversations/${conversation.json.id}/items?order=asc`, { token: TEST_ADMIN_KEY });
    expect(items.json.data.map((i: { role: string; content: Array<{ text: string }> }) => [i.role, i.content[0]!.text])).toEqual([
      ['user', 'Hello there friend'], ['assistant', DESIGNED_REPLY], ['user', 'And again'], ['assistant', DESIGNED_REPLY],
    ]);
  });

  it('refuses a prompt longer than the context with 400 context_length_exceeded', async () => {
    const res = await chat({ messages: [{ role: 'user', content: 'x'.repeat(2000) }] });
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded', param: 'messages' });
  });
});
