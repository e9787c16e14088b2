import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemFingerprint } from '../../server/inference/system-fingerprint.js';
import { readVersion } from '../../server/version.js';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { DEFAULT_REPLY } from '../support/scripted-runtime.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

describe('POST /v1/chat/completions (scripted runtime)', () => {
  let server: ScriptedServer;
  const token = TEST_ADMIN_KEY;
  beforeAll(async () => {
    server = await startScriptedServer(['test-model', 'other-model']);
  });
  afterAll(() => server.close());

  const chat = (body: Record<string, unknown>) =>
    server.request('/v1/chat/completions', { method: 'POST', token, body: { model: 'test-model', ...body } });

  it('answers with the OpenAI chat.completion shape and exact usage', async () => {
    const res = await chat({ messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
    expect(res.status).toBe(200);
    const prompt = 'system: Be brief.\nuser: Hi\nassistant: ';
    expect(res.json).toEqual({
      id: expect.stringMatching(/^chatcmpl-[A-Za-z0-9]{24}$/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'test-model',
      system_fingerprint: systemFingerprint(readVersion(), 'test-model'),
      choices: [{ index: 0, message: { role: 'assistant', content: DEFAULT_REPLY, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: {
        prompt_tokens: prompt.length,
        completion_tokens: DEFAULT_REPLY.length + 1,
        total_tokens: prompt.length + DEFAULT_REPLY.length + 1,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(server.runtime.generations.at(-1)!.prompt.text).toBe(prompt);
  });

  it('reads developer messages, content parts and Jan nested text as text', async () => {
    await chat({
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Rules.' }] },
        { role: 'user', content: [{ type: 'text', text: { value: 'Nested ' } }, { type: 'input_text', text: 'and flat' }] },
      ],
    });
    expect(server.runtime.generations.at(-1)!.prompt.text).toBe('system: Rules.\nuser: Nested and flat\nassistant: ');
  });

  it('passes sampling options and stops at max_tokens with finish_reason length', async () => {
    const res = await chat({
      messages: [{ role: 'user', content: 'Hi' }], max_tokens: 5, temperature: 0, top_p: 0.5, seed: 42,
      presence_penalty: 0.5, frequency_penalty: 0.25, stop: 'zzz', unknown_field: { ignored: true },
    });
    expect(res.json.choices[0]).toMatchObject({ message: { content: DEFAULT_REPLY.slice(0, 5) }, finish_reason: 'length' });
    expect(res.json.usage.completion_tokens).toBe(5);
    expect(server.runtime.generations.at(-1)!.options).toMatchObject({
      maxTokens: 5, temperature: 0, topP: 0.5, seed: 42, presencePenalty: 0.5, frequencyPenalty: 0.25, stop: ['zzz'],
    });
  });

  it('max_completion_tokens wins over max_tokens; no limit means as much as the context takes', async () => {
    await chat({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 3, max_completion_tokens: 7 });
    expect(server.runtime.generations.at(-1)!.options.maxTokens).toBe(7);
    await chat({ messages: [{ role: 'user', content: 'Hi' }], max_tokens: 1_000_000_000 });
    expect(server.runtime.generations.at(-1)!.options.maxTokens).toBe(1_000_000_000);
  });

  it('cuts the reply before a stop sequence', async () => {
    const res = await chat({ messages: [{ role: 'user', content: 'Hi' }], stop: ['from'] });
    expect(res.json.choices[0]).toMatchObject({ message: { content: 'Hello ' }, finish_reason: 'stop' });
  });

  it('hands json_object and json_schema formats to the runtime', async () => {
    const schema = { type: 'object', properties: { name: { type: 'string' } } };
    const res = await chat({ messages: [{ role: 'user', content: 'Hi' }], response_format: { type: 'json_schema', json_schema: { name: 'n', schema } } });
    expect(res.json.choices[0].message.content).toBe('{"name":"scripted"}');
    expect(server.runtime.generations.at(-1)!.options.format).toEqual({ type: 'json_schema', schema });
    await chat({ messages: [{ role: 'user', content: 'Hi' }], response_format: { type: 'json_object' } });
    expect(server.runtime.generations.at(-1)!.options.format).toEqual({ type: 'json_object' });
  });

  it('answers a forced tool call with tool_calls and a null content', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const res = await chat({ messages: [{ role: 'user', content: 'Weather?' }], tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } });
    expect(res.json.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant', content: null, refusal: null,
        tool_calls: [{ id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      logprobs: null,
      finish_reason: 'tool_calls',
    });
  });

  it('attaches tool results to their calls in the prompt', async () => {
    await chat({
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
      ],
    });
    expect(server.runtime.generations.at(-1)!.prompt.text).toBe('user: Weather?\nassistant:  [get_weather({"city":"Paris"}) -> sunny]\nassistant: ');
  });

  it('404s an unknown model with a message that says how to add one', async () => {
    const res = await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
    expectError(res, 404, { type: 'invalid_request_error', code: 'model_not_found', param: 'model', message: /The model 'gpt-4o' does not exist\. Put a GGUF file named 'gpt-4o\.gguf' in .* or import one with POST \/v1\/models\/import/ });
  });

  it.each([
    [{ messages: [{ role: 'robot', content: 'x' }] }, 'messages[0].role', 'invalid_value'],
    [{ messages: [] }, 'messages', 'invalid_value'],
    [{ messages: [{ role: 'user', content: 'x' }], n: 2 }, 'n', 'unsupported_value'],
    [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:' } }] }] }, 'messages[0].content[0].type', 'invalid_value'],
    [{ messages: [{ role: 'tool', tool_call_id: 'nope', content: 'x' }] }, 'messages[0].tool_call_id', 'invalid_value'],
    [{ messages: [{ role: 'user', content: 'x' }], temperature: 5 }, 'temperature', 'invalid_value'],
    [{ messages: [{ role: 'user', content: 'x' }], tool_choice: 'required' }, 'tool_choice', 'invalid_value'],
    [{ messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'x' } } }, 'response_format', 'invalid_value'],
  ])('400s bad input %#', async (body, param, code) => {
    const res = await chat(body as Record<string, unknown>);
    expectError(res, 400, { type: 'invalid_request_error', param, code });
  });

  it('needs credentials', async () => {
    const res = await server.request('/v1/chat/completions', { method: 'POST', body: { model: 'test-model', messages: [] } });
    expect(res.status).toBe(401);
  });
});

describe('schemas are checked before a slot is taken', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(() => server.close());

  it.each([
    [{ response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'date' } } } }, 'response_format.schema'],
    [{ tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'uuid' } } } } }] }, 'tools[0].parameters'],
  ])('400 invalid_schema, also for streams %#', async (extra, param) => {
    for (const stream of [false, true]) {
      const res = await server.request('/v1/chat/completions', {
        method: 'POST', token: TEST_ADMIN_KEY, body: { model: 'test-model', messages: [{ role: 'user', content: 'x' }], stream, ...extra },
      });
      expectError(res, 400, { type: 'invalid_request_error', param, code: 'invalid_schema', message: /^Unsupported JSON schema at schema/ });
    }
    expect(server.runtime.generations).toHaveLength(0);
  });
});
