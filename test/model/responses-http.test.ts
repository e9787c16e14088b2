/** The Responses API through HTTP with the real runtime and the designed model. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGNED_JSON_REPLY, DESIGNED_JSON_SCHEMA, DESIGNED_REPLY } from '../support/gguf/designed-model.js';
import { DESIGNED, startModelServer } from '../support/model-server.js';
import { rawRequest } from '../support/raw-http.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

const create = (body: Record<string, unknown>) =>
  server.request('/v1/responses', { method: 'POST', token: TEST_ADMIN_KEY, body: { model: DESIGNED, temperature: 0, ...body } });

describe('responses with the designed model', () => {
  it('answers "Hey world" as an output_text, chains previous_response_id with a cache hit', async () => {
    const first = await create({ input: 'Hi there' });
    expect(first.json).toMatchObject({ status: 'completed', output: [{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: DESIGNED_REPLY }] }] });
    expect(first.json.usage).toMatchObject({ input_tokens: 28, output_tokens: 10, total_tokens: 38 });
    const second = await create({ input: 'Again', previous_response_id: first.json.id });
    expect(second.json.output[0].content[0].text).toBe(DESIGNED_REPLY);
    expect(second.json.usage.input_tokens_details.cached_tokens).toBe(28 + DESIGNED_REPLY.length);
  });

  it('follows text.format json_schema', async () => {
    const res = await create({ input: 'Hi', text: { format: { type: 'json_schema', name: 'person', schema: DESIGNED_JSON_SCHEMA } } });
    expect(res.json.output[0].content[0].text).toBe(DESIGNED_JSON_REPLY);
  });

  it('streams the response.* events with the text as deltas', async () => {
    const res = await rawRequest(server.url, {
      method: 'POST', path: '/v1/responses',
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: DESIGNED, temperature: 0, input: 'Hi there', stream: true }),
    });
    const events = parseSse(res.body.toString('utf8'));
    expect(events.map((e) => e.event)).toEqual([
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      ...[...DESIGNED_REPLY].map(() => 'response.output_text.delta'),
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
    ]);
    expect(events.filter((e) => e.event === 'response.output_text.delta').map((e) => e.json.delta).join('')).toBe(DESIGNED_REPLY);
    expect(events.at(-1)!.json.response).toMatchObject({ status: 'completed', usage: { output_tokens: 10 } });
  });
});
