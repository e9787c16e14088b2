/**
 * Anthropic's Messages API on the scripted runtime: exact message and event shapes, the prompt each request
 * becomes, tool use and tool results, Anthropic's error bodies (and only on its routes), both key headers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { scrape } from '../support/prometheus-scrape.js';
import { DEFAULT_REPLY } from '../support/scripted-runtime.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY, type TestResponse } from '../support/test-server.js';

const WEATHER = { name: 'get_weather', description: 'Weather in a city', input_schema: { type: 'object', properties: { city: { type: 'string' } } } };
const hi = [{ role: 'user', content: 'Hi' }];

function expectAnthropicError(res: TestResponse, status: number, type: string, message: string | RegExp = /./): void {
  expect({ status: res.status, body: res.json }).toEqual({
    status,
    body: { type: 'error', error: { type, message: typeof message === 'string' ? message : expect.stringMatching(message) } },
  });
}

describe('POST /v1/messages (scripted runtime)', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(() => server.close());

  const post = (body: Record<string, unknown>, headers: Record<string, string> = { 'x-api-key': TEST_ADMIN_KEY }, path = '/v1/messages') =>
    server.request(path, { method: 'POST', headers: { 'anthropic-version': '2023-06-01', ...headers }, body: { model: 'test-model', ...body } });
  const lastPrompt = () => server.runtime.generations.at(-1)!.prompt;

  it('answers with the message shape: text block, end_turn, usage in Anthropic arithmetic', async () => {
    const res = await post({ max_tokens: 100, system: 'Be brief.', messages: hi, metadata: { user_id: 'u-1' } });
    const prompt = 'system: Be brief.\nuser: Hi\nassistant: ';
    const { cachedTokens } = server.runtime.generations.at(-1)!.result!;
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      id: expect.stringMatching(/^msg_[A-Za-z0-9]{24}$/),
      type: 'message',
      role: 'assistant',
      model: 'test-model',
      content: [{ type: 'text', text: DEFAULT_REPLY }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: prompt.length - cachedTokens, output_tokens: DEFAULT_REPLY.length + 1, cache_creation_input_tokens: 0, cache_read_input_tokens: cachedTokens },
    });
    expect(lastPrompt().text).toBe(prompt);
    // The same prompt again: the slot's KV cache holds it, and the split moves to cache_read_input_tokens.
    const again = await post({ max_tokens: 100, system: 'Be brief.', messages: hi });
    expect(again.json.usage.cache_read_input_tokens).toBeGreaterThan(0);
    expect(again.json.usage.input_tokens + again.json.usage.cache_read_input_tokens).toBe(prompt.length);
  });

  it('reads system text blocks and multi-turn string and block content', async () => {
    await post({
      max_tokens: 10,
      system: [{ type: 'text', text: 'Rule one.', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'Rule two.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Hello' }, { type: 'text', text: 'there' }] },
        { role: 'assistant', content: 'Hi!' },
        { role: 'user', content: 'Bye' },
      ],
    });
    expect(lastPrompt().text).toBe('system: Rule one.\nRule two.\nuser: Hello\nthere\nassistant: Hi!\nuser: Bye\nassistant: ');
  });

  it('passes max_tokens, temperature, top_p, top_k and stop_sequences to the runtime', async () => {
    await post({ max_tokens: 7, temperature: 0.2, top_p: 0.5, top_k: 40, stop_sequences: ['zzz'], messages: hi });
    expect(server.runtime.generations.at(-1)!.options).toMatchObject({ maxTokens: 7, temperature: 0.2, topP: 0.5, topK: 40, stop: ['zzz'] });
  });

  it('says max_tokens and stop_sequence (with the sequence) as the reason the reply stopped', async () => {
    const cut = await post({ max_tokens: 5, messages: hi });
    expect(cut.json).toMatchObject({ content: [{ type: 'text', text: DEFAULT_REPLY.slice(0, 5) }], stop_reason: 'max_tokens', stop_sequence: null, usage: { output_tokens: 5 } });
    const stopped = await post({ max_tokens: 100, stop_sequences: ['zzz', 'from'], messages: hi });
    expect(stopped.json).toMatchObject({ content: [{ type: 'text', text: 'Hello ' }], stop_reason: 'stop_sequence', stop_sequence: 'from' });
  });

  it('tools + tool_choice any → a tool_use block and stop_reason tool_use', async () => {
    const res = await post({ max_tokens: 100, tools: [WEATHER], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Weather in Paris?' }] });
    expect(res.json).toMatchObject({
      content: [{ type: 'tool_use', id: expect.stringMatching(/^toolu_[A-Za-z0-9]{24}$/), name: 'get_weather', input: { city: 'Paris' } }],
      stop_reason: 'tool_use',
      stop_sequence: null,
    });
    expect(res.json.content).toHaveLength(1);
    expect(lastPrompt().chat).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Weather in a city', parameters: WEATHER.input_schema }], toolMode: 'required',
    });
  });

  it('maps tool_choice tool, auto and none onto the chat tool modes', async () => {
    await post({ max_tokens: 100, tools: [WEATHER], tool_choice: { type: 'tool', name: 'get_weather' }, messages: hi });
    expect(lastPrompt().chat!.toolMode).toEqual({ name: 'get_weather' });
    await post({ max_tokens: 100, tools: [WEATHER], tool_choice: { type: 'auto', disable_parallel_tool_use: true }, messages: hi });
    expect(lastPrompt().chat!.toolMode).toBe('auto');
    await post({ max_tokens: 100, tools: [WEATHER], messages: hi });
    expect(lastPrompt().chat!.toolMode).toBe('auto');
    const none = await post({ max_tokens: 100, tools: [WEATHER], tool_choice: { type: 'none' }, messages: hi });
    expect(lastPrompt().chat!.tools).toBeUndefined();
    expect(none.json.content).toEqual([{ type: 'text', text: DEFAULT_REPLY }]);
  });

  it('takes tool results back in: each attached to its tool_use by id, errors marked', async () => {
    const first = await post({ max_tokens: 100, tools: [WEATHER], tool_choice: { type: 'any' }, messages: [{ role: 'user', content: 'Weather?' }] });
    const call = first.json.content[0];
    const res = await post({
      max_tokens: 100,
      tools: [WEATHER],
      messages: [
        { role: 'user', content: 'Weather in Paris and Oslo?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, call, { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Oslo' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: call.id, content: [{ type: 'text', text: '18 C' }] },
            { type: 'tool_result', tool_use_id: 'toolu_2', content: 'station offline', is_error: true },
            { type: 'text', text: 'Summarize.' },
          ],
        },
      ],
    });
    expect(res.json).toMatchObject({ content: [{ type: 'text', text: DEFAULT_REPLY }], stop_reason: 'end_turn' });
    expect(lastPrompt().text).toBe(
      'tools: get_weather\nuser: Weather in Paris and Oslo?\n' +
        'assistant: Checking. [get_weather({"city":"Paris"}) -> 18 C] [get_weather({"city":"Oslo"}) -> Error: station offline]\n' +
        'user: Summarize.\nassistant: ',
    );
  });

  it('streams text in Anthropic\'s event order and shapes', async () => {
    const res = await post({ max_tokens: 100, stream: true, stop_sequences: ['the'], messages: hi });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = parseSse(res.text);
    for (const e of events) expect(e.event).toBe(e.json.type);
    const text = 'Hello from ';
    const { promptTokens, cachedTokens } = server.runtime.generations.at(-1)!.result!;
    expect(events.map((e) => e.json)).toEqual([
      {
        type: 'message_start',
        message: {
          id: expect.stringMatching(/^msg_/), type: 'message', role: 'assistant', model: 'test-model', content: [], stop_reason: null, stop_sequence: null,
          usage: { input_tokens: promptTokens - cachedTokens, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: cachedTokens },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'ping' },
      ...[...text].map((ch) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ch } })),
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'stop_sequence', stop_sequence: 'the' }, usage: { output_tokens: text.length + 1 } },
      { type: 'message_stop' },
    ]);
  });

  it('streams a tool call as a tool_use block with one input_json_delta', async () => {
    const res = await post({ max_tokens: 100, stream: true, tools: [WEATHER], tool_choice: { type: 'tool', name: 'get_weather' }, messages: hi });
    const events = parseSse(res.text).map((e) => e.json);
    expect(events.map((e) => e.type)).toEqual([
      'message_start', 'content_block_start', 'ping', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop',
    ]);
    expect(events[1]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'get_weather', input: {} } });
    expect(events[3]).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city":"Paris"}' } });
    expect(events[5]).toEqual({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 16 } });
  });

  it('a stream that fails after it started ends with an `event: error` frame in Anthropic\'s shape', async () => {
    const reply = server.runtime.reply;
    server.runtime.reply = () => {
      throw new Error('native failure');
    };
    try {
      const res = await post({ max_tokens: 100, stream: true, messages: hi });
      const events = parseSse(res.text);
      expect(events.map((e) => e.event)).toEqual(['message_start', 'error']);
      expect(events[1]!.json).toEqual({ type: 'error', error: { type: 'api_error', message: 'The server had an error while generating the response.' } });
    } finally {
      server.runtime.reply = reply;
    }
  });

  it('counts tokens as the message would read them', async () => {
    const body = { system: 'Be brief.', messages: hi, tools: [WEATHER] };
    const count = await post(body, undefined, '/v1/messages/count_tokens');
    expect(count.status).toBe(200);
    expect(count.json).toEqual({ input_tokens: 'tools: get_weather\nsystem: Be brief.\nuser: Hi\nassistant: '.length });
    const message = await post({ ...body, max_tokens: 5 });
    expect(message.json.usage.input_tokens + message.json.usage.cache_read_input_tokens).toBe(count.json.input_tokens);
  });
});

describe('/v1/messages: keys, errors and limits', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer(['test-model'], { parallel: 1, maxQueue: 0 });
  });
  afterAll(() => server.close());

  const body = { model: 'test-model', max_tokens: 10, messages: hi };
  const post = (headers: Record<string, string>, payload: unknown = body, path = '/v1/messages') =>
    server.request(path, { method: 'POST', headers, body: payload });
  const key = { 'x-api-key': TEST_ADMIN_KEY };

  it('takes a key as x-api-key or Authorization: Bearer (a token as Bearer); anthropic-version is ignored', async () => {
    expect((await post(key)).status).toBe(200);
    expect((await post({ authorization: `Bearer ${TEST_ADMIN_KEY}`, 'anthropic-version': '2023-06-01' })).status).toBe(200);
    const token = await server.guestToken();
    const byToken = await post({ authorization: `Bearer ${token}`, 'anthropic-version': 'any', 'anthropic-beta': 'x' });
    expect([byToken.status, byToken.headers.get('x-auth-method')]).toEqual([200, 'jwt']);
    const created = await server.request('/auth/api-keys', { method: 'POST', token, body: { name: 'claude client' } });
    const byKey = await post({ 'x-api-key': created.json.key });
    expect([byKey.status, byKey.headers.get('x-auth-method'), byKey.headers.get('x-principal-id')]).toEqual([200, 'apikey', byToken.headers.get('x-principal-id')]);
  });

  it('401 authentication_error without a key or with a wrong one', async () => {
    const message = 'Missing or invalid credentials. Send `Authorization: Bearer <API key or token>` or `X-API-Key`.';
    expectAnthropicError(await post({}), 401, 'authentication_error', message);
    expectAnthropicError(await post({ 'x-api-key': 'sk_wrong' }), 401, 'authentication_error', message);
    expectAnthropicError(await post({}, {}, '/v1/messages/count_tokens'), 401, 'authentication_error', message);
  });

  it('400 invalid_request_error for a missing max_tokens, bad blocks and misplaced tool blocks', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ model: 'test-model', messages: hi }, "Invalid 'max_tokens': Invalid input: expected number, received undefined"],
      [{ ...body, messages: [] }, "Invalid 'messages': messages must not be empty"],
      [{ ...body, temperature: 1.5 }, "Invalid 'temperature': Too big: expected number to be <=1"],
      [
        { ...body, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] }] },
        "messages[0].content[0]: content blocks of type 'image' are not supported; the local models take text only. Send the text instead (for an image, its description or OCR text).",
      ],
      [
        { ...body, messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'thinking', thinking: 'b' }] }] },
        "Invalid 'messages[0].content': [1].type: unknown content block type; expected text, tool_use, tool_result, image, document",
      ],
      [
        { ...body, messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }] }] },
        "messages[0].content[0].tool_use_id: no earlier tool call has the id 'toolu_x'.",
      ],
      [
        { ...body, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] }] },
        "messages[0].content[0]: tool_use blocks belong in assistant messages (this message's role is 'user').",
      ],
      [{ ...body, tool_choice: { type: 'tool', name: 'get_weather' } }, 'tool_choice needs tools to choose from.'],
      [
        { ...body, tools: [{ name: 'f', input_schema: { type: 'object', properties: { id: { type: 'uuid' } } } }] },
        'tools[0].input_schema: Unsupported JSON schema at schema.properties.id: unknown type "uuid".',
      ],
    ];
    for (const [payload, message] of cases) expectAnthropicError(await post(key, payload), 400, 'invalid_request_error', message);
    expectAnthropicError(await post(key, { model: 'test-model' }, '/v1/messages/count_tokens'), 400, 'invalid_request_error', /^Invalid 'messages'/);
  });

  it('404 not_found_error for an unknown model and an unknown path; 405 for another method', async () => {
    expectAnthropicError(await post(key, { ...body, model: 'claude-sonnet-4-5' }), 404, 'not_found_error', /^The model 'claude-sonnet-4-5' does not exist\./);
    expectAnthropicError(await post(key, { model: 'nope', messages: hi }, '/v1/messages/count_tokens'), 404, 'not_found_error', /^The model 'nope'/);
    expectAnthropicError(await post(key, {}, '/v1/messages/batches'), 404, 'not_found_error', 'Unknown route: POST /v1/messages/batches');
    const get = await server.request('/v1/messages', { headers: key });
    expectAnthropicError(get, 405, 'invalid_request_error', 'Method GET is not allowed on /v1/messages; allowed: POST.');
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('503 overloaded_error with Retry-After when the queue is full', async () => {
    const release = server.runtime.hold();
    const first = post(key);
    await server.runtime.whenWaiting(1);
    const refused = await post(key);
    expectAnthropicError(refused, 503, 'overloaded_error', /^The server is busy: /);
    expect(refused.headers.get('retry-after')).toBe('1');
    release();
    expect((await first).status).toBe(200);
  });

  it('other routes keep OpenAI\'s envelope', async () => {
    const res = await server.request('/v1/chat/completions', { method: 'POST', headers: key, body: { model: 'nope', messages: hi } });
    expectError(res, 404, { type: 'invalid_request_error', code: 'model_not_found', param: 'model', message: /^The model 'nope'/ });
  });

  it('is counted in the metrics by its route template', async () => {
    const metrics = await scrape(server.url);
    expect(metrics.value('jan_requests_total', { method: 'POST', route: '/v1/messages', status: '200' })).toBeGreaterThanOrEqual(3);
    expect(metrics.value('jan_errors_total', { route: '/v1/messages', status: '401', type: 'authentication_error' })).toBeGreaterThanOrEqual(2);
    expect(metrics.value('jan_requests_total', { method: 'POST', route: '/v1/messages/count_tokens', status: '404' })).toBe(1);
  });
});

describe('/v1/messages: rate limits', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer(['test-model'], { clientRateLimit: 1, rateHardLimit: 1000, rateSoftLimit: 1000 });
  });
  afterAll(() => server.close());

  it('429 rate_limit_error with Retry-After, as on every /v1 route', async () => {
    const answers = await Promise.all([1, 2, 3].map(() =>
      server.request('/v1/messages', { method: 'POST', headers: { 'x-api-key': TEST_ADMIN_KEY }, body: { model: 'test-model', max_tokens: 5, messages: hi } })));
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(2);
    expectAnthropicError(refused[0]!, 429, 'rate_limit_error', 'Rate limit reached for your credentials or address: 1 requests per second. Retry after the time in Retry-After.');
    expect(refused[0]!.headers.get('retry-after')).toBe('1');
    expect(refused[0]!.headers.get('x-ratelimit-limit-requests')).toBe('1');
  });
});
