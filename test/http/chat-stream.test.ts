import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemFingerprint } from '../../server/inference/system-fingerprint.js';
import { readVersion } from '../../server/version.js';
import { rawRequest } from '../support/raw-http.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const FINGERPRINT = systemFingerprint(readVersion(), 'test-model');

describe('streamed chat completions (scripted runtime)', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
    server.runtime.reply = () => 'Hi you';
  });
  afterAll(() => server.close());

  const stream = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    rawRequest(server.url, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'Hello' }], stream: true, ...body }),
    });

  it('frames chunks as data lines, one per token, then finish_reason and [DONE]; never compressed', async () => {
    const res = await stream({}, { 'accept-encoding': 'gzip, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache, no-transform');
    expect(res.headers['content-encoding']).toBeUndefined();
    const events = parseSse(res.body.toString('utf8'));
    expect(events.every((e) => e.event === undefined)).toBe(true);
    expect(events.at(-1)!.data).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => e.json);
    const { id, created } = chunks[0];
    expect(id).toMatch(/^chatcmpl-/);
    const base = { id, object: 'chat.completion.chunk', created, model: 'test-model', system_fingerprint: FINGERPRINT };
    const choice = (delta: object, finish_reason: string | null = null) => ({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason }] });
    expect(chunks).toEqual([
      choice({ role: 'assistant', content: '', refusal: null }),
      ...[...'Hi you'].map((ch) => choice({ content: ch })),
      choice({}, 'stop'),
    ]);
  });

  it('with include_usage: usage null on every chunk, then a usage chunk with no choices', async () => {
    const res = await stream({ stream_options: { include_usage: true }, max_tokens: 2 });
    const chunks = parseSse(res.body.toString('utf8')).slice(0, -1).map((e) => e.json);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-2).choices[0].finish_reason).toBe('length');
    const prompt = 'user: Hello\nassistant: ';
    expect(chunks.at(-1)).toEqual({
      id: chunks[0].id, object: 'chat.completion.chunk', created: chunks[0].created, model: 'test-model', system_fingerprint: FINGERPRINT,
      choices: [],
      usage: {
        prompt_tokens: prompt.length, completion_tokens: 2, total_tokens: prompt.length + 2,
        prompt_tokens_details: { cached_tokens: expect.any(Number) }, completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  });

  it('streams a tool call as one delta and finishes with tool_calls', async () => {
    const tools = [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }];
    const res = await stream({ tools, tool_choice: 'required' });
    const chunks = parseSse(res.body.toString('utf8')).slice(0, -1).map((e) => e.json);
    expect(chunks.map((c) => c.choices[0].delta)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { tool_calls: [{ index: 0, id: expect.stringMatching(/^call_/), type: 'function', function: { name: 'lookup', arguments: '{"city":"Paris"}' } }] },
      {},
    ]);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('with a conversation, stores the turn and sends the conversation in one chunk before [DONE]', async () => {
    const conversation = await server.request('/v1/conversations', { method: 'POST', token: TEST_ADMIN_KEY, body: {} });
    const res = await stream({ conversation: { id: conversation.json.id } });
    const events = parseSse(res.body.toString('utf8'));
    expect(events.at(-1)!.data).toBe('[DONE]');
    const last = events.at(-2)!.json;
    expect(last).toEqual({
      id: events[0]!.json.id, object: 'chat.completion.chunk', created: events[0]!.json.created, model: 'test-model', system_fingerprint: FINGERPRINT,
      choices: [], conversation: { id: conversation.json.id, title: 'Hello' },
    });
    expect(events.at(-3)!.json.choices[0].finish_reason).toBe('stop');
    const items = await server.request(`/v1/conversations/${conversation.json.id}/items?order=asc`, { token: TEST_ADMIN_KEY });
    expect(items.json.data.map((i: { role: string }) => i.role)).toEqual(['user', 'assistant']);
  });

  it('a conversation deleted while its turn streams: the closing write fails into a 404 error frame, and the server goes on', async () => {
    const conversation = await server.request('/v1/conversations', { method: 'POST', token: TEST_ADMIN_KEY, body: {} });
    const release = server.runtime.hold();
    const pending = stream({ conversation: conversation.json.id });
    await server.runtime.whenWaiting(1); // the stream has read the conversation and waits for its first token
    expect((await server.request(`/v1/conversations/${conversation.json.id}`, { method: 'DELETE', token: TEST_ADMIN_KEY })).status).toBe(200);
    release();
    const res = await pending;
    expect(res.status).toBe(200);
    const events = parseSse(res.body.toString('utf8'));
    expect(events.at(-2)!.json.choices[0].finish_reason).toBe('stop'); // the reply went out whole…
    expect(events.at(-1)!.json.error).toMatchObject({ type: 'not_found_error', code: 'conversation_not_found' }); // …its storing did not
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    expect((await stream({})).status).toBe(200);
  });

  it('answers errors found before streaming with a status, not a stream', async () => {
    const res = await stream({ model: 'missing' });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json.error.code).toBe('model_not_found');
  });

  it('sends an error frame when generation fails after the headers are out', async () => {
    const original = server.runtime.reply;
    server.runtime.reply = () => {
      throw new Error('native crash');
    };
    try {
      const res = await stream({});
      expect(res.status).toBe(200);
      const events = parseSse(res.body.toString('utf8'));
      expect(events.at(-1)!.json).toEqual({
        error: { message: 'The server had an error while generating the response.', type: 'server_error', param: null, code: 'internal_error' },
      });
      expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    } finally {
      server.runtime.reply = original;
    }
  });
});
