/**
 * Per-member usage over HTTP (scripted runtime: one character is one token, so the figures are exact): the
 * counters move after chat calls, grouped by member, model and day; failures count as errors; a member's own
 * card; bad input and access. Members here are guest accounts (rows in `users` like any member).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

let server: ScriptedServer;

async function newMember(): Promise<{ token: string; id: string; name: string }> {
  const token = await server.guestToken();
  const me = await server.request('/auth/me', { token });
  return { token, id: me.json.id as string, name: me.json.name as string };
}

const chat = (token: string, model = 'test-model', content = 'hi') =>
  server.request('/v1/chat/completions', { method: 'POST', token, body: { model, messages: [{ role: 'user', content }] } });

const usage = (query = '', token = TEST_ADMIN_KEY) => server.request(`/v1/admin/usage${query}`, { token });

interface Line { key: string; label: string; requests: number; errors: number; prompt_tokens: number; completion_tokens: number; model_seconds: number; storage_bytes: number }
const lineOf = (json: { data: Line[] }, key: string) => json.data.find((l) => l.key === key);

beforeAll(async () => {
  server = await startScriptedServer(['test-model', 'other-model'], { parallel: 2 });
});
afterAll(() => server.close());

describe('usage counters', () => {
  it('move after chat calls: per member (with stored bytes), per model and per day', async () => {
    const a = await newMember();
    const b = await newMember();
    const conversation = await server.request('/v1/conversations', { method: 'POST', token: a.token, body: { title: 'a title' } });
    expect(conversation.status).toBe(200);
    const calls = [await chat(a.token), await chat(a.token, 'other-model', 'hello there'), await chat(b.token)];
    for (const call of calls) expect(call.status).toBe(200);
    const [a1, a2, b1] = calls.map((c) => c.json.usage as { prompt_tokens: number; completion_tokens: number });

    const byUser = await usage('?group_by=user');
    expect(byUser.status).toBe(200);
    expect(byUser.json).toMatchObject({ object: 'list', group_by: 'user', from: expect.any(Number), to: expect.any(Number) });
    expect(byUser.json.to - byUser.json.from).toBe(7 * 86_400);
    const lineA = lineOf(byUser.json, a.id)!;
    expect(lineA).toMatchObject({
      label: a.name, requests: 2, errors: 0,
      prompt_tokens: a1!.prompt_tokens + a2!.prompt_tokens, completion_tokens: a1!.completion_tokens + a2!.completion_tokens,
    });
    expect(lineA.model_seconds).toBeGreaterThanOrEqual(0);
    // A snapshot of what they store: the conversation they made.
    expect(lineA.storage_bytes).toBeGreaterThan(0);
    expect(lineOf(byUser.json, b.id)).toMatchObject({ requests: 1, completion_tokens: b1!.completion_tokens, storage_bytes: 0 });

    const byModel = await usage('?group_by=model');
    expect(lineOf(byModel.json, 'other-model')).toMatchObject({ label: 'other-model', requests: 1, prompt_tokens: a2!.prompt_tokens, storage_bytes: 0 });
    expect(lineOf(byModel.json, 'test-model')!.requests).toBeGreaterThanOrEqual(2);

    const byDay = await usage('?group_by=day');
    const today = new Date().toISOString().slice(0, 10);
    expect(lineOf(byDay.json, today)!.requests).toBeGreaterThanOrEqual(3);

    // One more call moves the figures at once (the report flushes the counters first).
    await chat(b.token);
    expect(lineOf((await usage()).json, b.id)!.requests).toBe(2);
  });

  it('a failed generation counts as a request and an error', async () => {
    const a = await newMember();
    const reply = server.runtime.reply;
    server.runtime.reply = () => {
      throw new Error('the model fell over');
    };
    try {
      expect((await chat(a.token)).status).toBeGreaterThanOrEqual(500);
    } finally {
      server.runtime.reply = reply;
    }
    expect((await chat(a.token)).status).toBe(200);
    expect(lineOf((await usage()).json, a.id)).toMatchObject({ requests: 2, errors: 1 });
  });

  it('counts every API over the same runner: Anthropic messages, Ollama chat (streamed by default), embeddings', async () => {
    const a = await newMember();
    const messages = await server.request('/v1/messages', { method: 'POST', token: a.token, body: { model: 'test-model', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] } });
    expect(messages.status).toBe(200);
    const ollama = await server.request('/api/chat', { method: 'POST', token: a.token, body: { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] } });
    expect(ollama.status).toBe(200);
    const embeddings = await server.request('/v1/embeddings', { method: 'POST', token: a.token, body: { model: 'test-model', input: 'abc' } });
    expect(embeddings.status).toBe(200);
    const line = lineOf((await usage()).json, a.id)!;
    expect(line.requests).toBe(3);
    expect(line.completion_tokens).toBe(messages.json.usage.output_tokens * 2);
    // Ollama's chat read a prompt too.
    expect(line.prompt_tokens).toBeGreaterThan(messages.json.usage.input_tokens + embeddings.json.usage.prompt_tokens);
  });

  it('a range before any use is empty; from/to are echoed', async () => {
    const empty = await usage('?from=1000&to=2000&group_by=model');
    expect(empty.json).toEqual({ object: 'list', data: [], from: 1000, to: 2000, group_by: 'model' });
  });

  it('GET /v1/usage/me: the member\'s own totals, stored bytes and quotas with what is left', async () => {
    const a = await newMember();
    await server.request(`/v1/admin/members/${a.id}/quotas`, { method: 'PUT', token: TEST_ADMIN_KEY, body: { tokens_per_day: 1000, requests_per_minute: 10 } });
    const first = await chat(a.token);
    const me = await server.request('/v1/usage/me', { token: a.token });
    expect(me.status).toBe(200);
    const generated = first.json.usage.completion_tokens as number;
    expect(me.json).toMatchObject({
      object: 'usage.me', user_id: a.id,
      today: { requests: 1, errors: 0, completion_tokens: generated },
      last_7_days: { requests: 1, completion_tokens: generated },
      storage_bytes: 0,
      quotas: {
        tokens_per_day: { limit: 1000, used: generated, remaining: 1000 - generated },
        requests_per_minute: { limit: 10, used: 1, remaining: 9 },
        concurrent_streams: { limit: null, used: 0, remaining: null },
        storage_bytes: { limit: null, used: 0, remaining: null },
      },
    });
    expect(me.json.quotas.tokens_per_day.resets_at % 86_400).toBe(0);
    // Another member's usage is not in it.
    const b = await newMember();
    expect((await server.request('/v1/usage/me', { token: b.token })).json.today.requests).toBe(0);
  });

  it('bad input is a 400; a member is refused the report (403); no credentials 401', async () => {
    expectError(await usage('?group_by=week'), 400, { type: 'invalid_request_error', code: expect.any(String) as unknown as string, param: 'group_by' });
    expectError(await usage('?from=2000&to=1000'), 400, { type: 'invalid_request_error', code: expect.any(String) as unknown as string, param: 'from', message: /`from` must not be after `to`/ });
    expect((await usage('?from=yesterday')).status).toBe(400);
    const a = await newMember();
    expect((await usage('', a.token)).status).toBe(403);
    expect((await server.request('/v1/admin/usage')).status).toBe(401);
    expect((await server.request('/v1/usage/me')).status).toBe(401);
  });
});
