/**
 * The OpenAI fields that used to be off: `system_fingerprint` is a stable `fp_…` string (never null) on every
 * completion and chunk; Responses carry `user` only when it was sent and `cache_write_tokens` in their input
 * token details (also when read back from a body stored before); log probabilities are refused with 400
 * `unsupported_value` before any slot is taken, never silently answered with `logprobs: null`; an unknown
 * model is 404 `invalid_request_error` / `model_not_found` on every route that names one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemFingerprint } from '../../server/inference/system-fingerprint.js';
import { readVersion } from '../../server/version.js';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { openServerDatabase } from '../support/server-database.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const token = TEST_ADMIN_KEY;
const user = [{ role: 'user', content: 'Hi' }];

describe('exact OpenAI fields (scripted runtime)', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer(['test-model', 'other-model']);
    server.runtime.reply = () => 'Ok.';
  });
  afterAll(() => server.close());

  const post = (path: string, body: Record<string, unknown>) => server.request(path, { method: 'POST', token, body });
  const streamed = async (path: string, body: Record<string, unknown>) => {
    const res = await post(path, { ...body, stream: true });
    expect(res.status).toBe(200);
    return parseSse(res.text).filter((e) => e.data !== '[DONE]').map((e) => e.json);
  };

  describe('system_fingerprint', () => {
    it('is fp_ and 10 hex digits of the server version and model id, stable across requests, different per model', () => {
      expect(systemFingerprint('1.2.3', 'a')).toMatch(/^fp_[0-9a-f]{10}$/);
      expect(systemFingerprint('1.2.3', 'a')).toBe(systemFingerprint('1.2.3', 'a'));
      expect(systemFingerprint('1.2.3', 'a')).not.toBe(systemFingerprint('1.2.3', 'b'));
      expect(systemFingerprint('1.2.3', 'a')).not.toBe(systemFingerprint('1.2.4', 'a'));
    });

    it('is on chat completions, every chunk (the usage chunk too), completions and their chunks', async () => {
      const expected = systemFingerprint(readVersion(), 'test-model');
      expect((await post('/v1/chat/completions', { model: 'test-model', messages: user })).json.system_fingerprint).toBe(expected);
      expect((await post('/v1/chat/completions', { model: 'other-model', messages: user })).json.system_fingerprint).toBe(systemFingerprint(readVersion(), 'other-model'));
      const chunks = await streamed('/v1/chat/completions', { model: 'test-model', messages: user, stream_options: { include_usage: true } });
      expect(chunks.at(-1).usage).toBeTruthy();
      expect(chunks.map((c) => c.system_fingerprint)).toEqual(chunks.map(() => expected));
      expect((await post('/v1/completions', { model: 'test-model', prompt: 'x' })).json.system_fingerprint).toBe(expected);
      const pieces = await streamed('/v1/completions', { model: 'test-model', prompt: 'x', stream_options: { include_usage: true } });
      expect(pieces.map((c) => c.system_fingerprint)).toEqual(pieces.map(() => expected));
    });
  });

  describe('Responses', () => {
    it('leaves user out unless it was sent, and counts cache_write_tokens (0)', async () => {
      const plain = await post('/v1/responses', { model: 'test-model', input: 'Hi' });
      expect(plain.status).toBe(200);
      expect(plain.json).not.toHaveProperty('user');
      expect(plain.json.usage.input_tokens_details).toEqual({ cached_tokens: expect.any(Number), cache_write_tokens: 0 });
      const named = await post('/v1/responses', { model: 'test-model', input: 'Hi', user: 'user-42' });
      expect(named.json.user).toBe('user-42');
      const events = await streamed('/v1/responses', { model: 'test-model', input: 'Hi' });
      for (const event of events.filter((e) => 'response' in e)) expect(event.response).not.toHaveProperty('user');
      expect(events.at(-1).response.usage.input_tokens_details.cache_write_tokens).toBe(0);
    });

    it('answers a body stored by an earlier version in the current shape', async () => {
      const created = await post('/v1/responses', { model: 'test-model', input: 'Old' });
      const { user: _user, ...current } = created.json as Record<string, unknown>;
      const old = { ...created.json, user: null, usage: { ...created.json.usage, input_tokens_details: { cached_tokens: 3 } } };
      const db = await openServerDatabase(server);
      try {
        await db.run('UPDATE responses SET body = ? WHERE id = ?', JSON.stringify(old), created.json.id);
      } finally {
        await db.close();
      }
      const read = await server.request(`/v1/responses/${created.json.id}`, { token });
      expect(read.json).toEqual({ ...current, usage: { ...created.json.usage, input_tokens_details: { cached_tokens: 3, cache_write_tokens: 0 } } });
    });
  });

  describe('log probabilities are refused, never ignored', () => {
    it.each([
      ['/v1/chat/completions', { messages: user, logprobs: true }, 'logprobs'],
      ['/v1/chat/completions', { messages: user, logprobs: true, top_logprobs: 2 }, 'logprobs'],
      ['/v1/chat/completions', { messages: user, top_logprobs: 2 }, 'top_logprobs'],
      ['/v1/completions', { prompt: 'x', logprobs: 1 }, 'logprobs'],
      ['/v1/completions', { prompt: 'x', logprobs: 0 }, 'logprobs'],
      ['/v1/responses', { input: 'x', top_logprobs: 3 }, 'top_logprobs'],
      ['/v1/responses', { input: 'x', include: ['reasoning.encrypted_content', 'message.output_text.logprobs'] }, 'include[1]'],
    ])('%s %j → 400 unsupported_value, JSON and stream, before a slot is taken', async (path, body, param) => {
      const before = server.runtime.generations.length;
      for (const stream of [false, true]) {
        expectError(await post(path, { model: 'test-model', ...body, stream }), 400, {
          type: 'invalid_request_error', param, code: 'unsupported_value', message: /^Log probabilities are not supported by this server/,
        });
      }
      expect(server.runtime.generations).toHaveLength(before);
    });

    it('accepts logprobs: false, top_logprobs: 0 and null, which ask for nothing', async () => {
      for (const extra of [{ logprobs: false }, { logprobs: null, top_logprobs: null }, { top_logprobs: 0 }]) {
        const res = await post('/v1/chat/completions', { model: 'test-model', messages: user, ...extra });
        expect(res.status).toBe(200);
        expect(res.json.choices[0].logprobs).toBeNull();
      }
      expect((await post('/v1/completions', { model: 'test-model', prompt: 'x', logprobs: null })).status).toBe(200);
      expect((await post('/v1/responses', { model: 'test-model', input: 'x', top_logprobs: 0, include: [] })).status).toBe(200);
    });
  });

  it('an unknown model is 404 invalid_request_error model_not_found on models, chat, completions, responses and embeddings', async () => {
    const expected = { type: 'invalid_request_error', param: 'model', code: 'model_not_found', message: /^The model 'nope' does not exist\./ };
    expectError(await server.request('/v1/models/nope', { token }), 404, expected);
    expectError(await post('/v1/chat/completions', { model: 'nope', messages: user }), 404, expected);
    expectError(await post('/v1/completions', { model: 'nope', prompt: 'x' }), 404, expected);
    expectError(await post('/v1/responses', { model: 'nope', input: 'x' }), 404, expected);
    expectError(await post('/v1/embeddings', { model: 'nope', input: 'x' }), 404, expected);
  });
});
