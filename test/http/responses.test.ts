import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { rawRequest } from '../support/raw-http.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const token = TEST_ADMIN_KEY;

describe('Responses API (scripted runtime)', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
    server.runtime.reply = () => 'Sure.';
  });
  afterAll(() => server.close());

  const create = (body: Record<string, unknown>, as = token) =>
    server.request('/v1/responses', { method: 'POST', token: as, body: { model: 'test-model', ...body } });
  const lastPrompt = () => server.runtime.generations.at(-1)!.prompt.text;

  it('answers a string input with a completed response and stores it', async () => {
    const res = await create({ input: 'Hello', instructions: 'Be nice.', metadata: { k: 'v' } });
    expect(res.status).toBe(200);
    expect(lastPrompt()).toBe('system: Be nice.\nuser: Hello\nassistant: ');
    const prompt = lastPrompt().length;
    expect(res.json).toEqual({
      id: expect.stringMatching(/^resp_/),
      object: 'response',
      created_at: expect.any(Number),
      status: 'completed',
      background: false,
      error: null,
      incomplete_details: null,
      instructions: 'Be nice.',
      max_output_tokens: null,
      model: 'test-model',
      output: [{
        id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'assistant',
        content: [{ type: 'output_text', text: 'Sure.', annotations: [], logprobs: [] }],
      }],
      parallel_tool_calls: true,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: true,
      temperature: null,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
      top_p: null,
      truncation: 'disabled',
      usage: {
        input_tokens: prompt, input_tokens_details: { cached_tokens: expect.any(Number), cache_write_tokens: 0 },
        output_tokens: 6, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: prompt + 6,
      },
      metadata: { k: 'v' },
    });
    expect((await server.request(`/v1/responses/${res.json.id}`, { token })).json).toEqual(res.json);
    const items = await server.request(`/v1/responses/${res.json.id}/input_items`, { token });
    expect(items.json).toEqual({
      object: 'list',
      data: [{ id: expect.stringMatching(/^msg_/), type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }],
      first_id: items.json.data[0].id, last_id: items.json.data[0].id, has_more: false,
    });
  });

  it('chains previous_response_id: earlier input and output come first, instructions do not carry over', async () => {
    const first = await create({ input: 'One', instructions: 'Only for the first.' });
    const second = await create({ input: [{ role: 'user', content: [{ type: 'input_text', text: 'Two' }] }], previous_response_id: first.json.id });
    expect(lastPrompt()).toBe('user: One\nassistant: Sure.\nuser: Two\nassistant: ');
    await create({ input: 'Three', previous_response_id: second.json.id });
    expect(lastPrompt()).toBe('user: One\nassistant: Sure.\nuser: Two\nassistant: Sure.\nuser: Three\nassistant: ');
  });

  it('max_output_tokens cut: status incomplete with the reason', async () => {
    const res = await create({ input: 'x', max_output_tokens: 2 });
    expect(res.json).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(res.json.output[0]).toMatchObject({ status: 'incomplete', content: [{ text: 'Su' }] });
  });

  it('a forced function call comes back as a function_call item (nested tool form accepted)', async () => {
    const res = await create({
      input: 'Weather?',
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object' } } }],
      tool_choice: 'required',
    });
    expect(res.json.output).toEqual([{
      id: expect.stringMatching(/^fc_/), type: 'function_call', status: 'completed', call_id: expect.stringMatching(/^call_/),
      name: 'weather', arguments: '{"city":"Paris"}',
    }]);
    const next = await create({
      input: [{ type: 'function_call_output', call_id: res.json.output[0].call_id, output: 'sunny' }],
      previous_response_id: res.json.id,
    });
    expect(next.status).toBe(200);
    expect(lastPrompt()).toBe('user: Weather?\nassistant:  [weather({"city":"Paris"}) -> sunny]\nassistant: ');
  });

  it('streams the response.* events in order, numbered, ending with response.completed', async () => {
    const res = await rawRequest(server.url, {
      method: 'POST', path: '/v1/responses',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test-model', input: 'Hi', stream: true }),
    });
    const events = parseSse(res.body.toString('utf8'));
    expect(events.map((e) => e.event)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      ...[...'Sure.'].map(() => 'response.output_text.delta'),
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
    ]);
    expect(events.map((e) => e.json.type)).toEqual(events.map((e) => e.event));
    expect(events.map((e) => e.json.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events[0]!.json.response).toMatchObject({ status: 'in_progress', output: [] });
    expect(events[0]!.json.response).not.toHaveProperty('usage'); // known once it completes
    const itemId = events[2]!.json.item.id;
    expect(events[4]!.json).toEqual({ type: 'response.output_text.delta', sequence_number: 4, item_id: itemId, output_index: 0, content_index: 0, delta: 'S', logprobs: [] });
    const done = events.at(-1)!.json.response;
    expect(done).toMatchObject({ status: 'completed', output: [{ id: itemId, content: [{ text: 'Sure.' }] }] });
    expect((await server.request(`/v1/responses/${done.id}`, { token })).json).toEqual(done);
  });

  it('store: false keeps nothing', async () => {
    const res = await create({ input: 'secret', store: false });
    expect(res.json.store).toBe(false);
    expectError(await server.request(`/v1/responses/${res.json.id}`, { token }), 404, { type: 'not_found_error', param: 'response_id', code: 'response_not_found' });
  });

  it('appends the turn to a conversation and titles it', async () => {
    const conversation = await server.request('/v1/conversations', { method: 'POST', token, body: {} });
    const res = await create({ input: 'Plan my trip', conversation: conversation.json.id });
    expect(res.json.conversation).toEqual({ id: conversation.json.id });
    expect((await server.request(`/v1/conversations/${conversation.json.id}`, { token })).json.title).toBe('Plan my trip');
    await create({ input: 'And back', conversation: { id: conversation.json.id } });
    expect(lastPrompt()).toBe('user: Plan my trip\nassistant: Sure.\nuser: And back\nassistant: ');
    expectError(await create({ input: 'x', conversation: conversation.json.id, previous_response_id: res.json.id }), 400, {
      type: 'invalid_request_error', param: 'previous_response_id', code: 'invalid_value',
    });
  });

  it('deletes; another user sees 404 for a response they do not own', async () => {
    const res = await create({ input: 'mine' });
    const guest = await server.guestToken();
    expect((await server.request(`/v1/responses/${res.json.id}`, { token: guest })).status).toBe(404);
    expectError(await create({ input: 'x', previous_response_id: res.json.id }, guest), 404, {
      type: 'not_found_error', param: 'previous_response_id', code: 'response_not_found',
    });
    expect((await server.request(`/v1/responses/${res.json.id}`, { method: 'DELETE', token })).json).toEqual({ id: res.json.id, object: 'response', deleted: true });
    expect((await server.request(`/v1/responses/${res.json.id}`, { token })).status).toBe(404);
  });

  it('pages input items (newest first by default)', async () => {
    const res = await create({ input: [1, 2, 3].map((n) => ({ role: 'user', content: `m${n}` })) });
    const page = await server.request(`/v1/responses/${res.json.id}/input_items?limit=2`, { token });
    expect(page.json.data.map((i: { content: Array<{ text: string }> }) => i.content[0]!.text)).toEqual(['m3', 'm2']);
    expect(page.json.has_more).toBe(true);
    const rest = await server.request(`/v1/responses/${res.json.id}/input_items?limit=2&after=${page.json.last_id}`, { token });
    expect(rest.json.data.map((i: { content: Array<{ text: string }> }) => i.content[0]!.text)).toEqual(['m1']);
    expect(rest.json.has_more).toBe(false);
  });
});
