import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemFingerprint } from '../../server/inference/system-fingerprint.js';
import { readVersion } from '../../server/version.js';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { rawRequest } from '../support/raw-http.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

describe('POST /v1/completions (scripted runtime)', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
    server.runtime.reply = (prompt) => `<${prompt.text}>`;
  });
  afterAll(() => server.close());

  const complete = (body: Record<string, unknown>) =>
    server.request('/v1/completions', { method: 'POST', token: TEST_ADMIN_KEY, body: { model: 'test-model', ...body } });

  it('completes a raw prompt (no chat template) with the text_completion shape; 16 tokens by default', async () => {
    const res = await complete({ prompt: 'Once upon a time' });
    expect(res.json).toEqual({
      id: expect.stringMatching(/^cmpl-/),
      object: 'text_completion',
      created: expect.any(Number),
      model: 'test-model',
      system_fingerprint: systemFingerprint(readVersion(), 'test-model'),
      choices: [{ text: '<Once upon a tim', index: 0, logprobs: null, finish_reason: 'length' }],
      usage: { prompt_tokens: 16, completion_tokens: 16, total_tokens: 32, prompt_tokens_details: { cached_tokens: 0 } },
    });
    expect(server.runtime.generations.at(-1)!.prompt.text).toBe('Once upon a time');
  });

  it('answers several prompts as one choice each, and echoes the prompt when asked', async () => {
    const res = await complete({ prompt: ['a', 'bc'], max_tokens: 50, echo: true });
    expect(res.json.choices).toEqual([
      { text: 'a<a>', index: 0, logprobs: null, finish_reason: 'stop' },
      { text: 'bc<bc>', index: 1, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(res.json.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 3 + 1 + 4 + 1 });
  });

  it('streams text chunks, a finish chunk and [DONE]', async () => {
    const res = await rawRequest(server.url, {
      method: 'POST', path: '/v1/completions',
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test-model', prompt: 'xy', stream: true, max_tokens: 10 }),
    });
    const events = parseSse(res.body.toString('utf8'));
    expect(events.at(-1)!.data).toBe('[DONE]');
    expect(events.slice(0, -1).map((e) => e.json.choices[0])).toEqual([
      ...[...'<xy>'].map((text) => ({ text, index: 0, logprobs: null, finish_reason: null })),
      { text: '', index: 0, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(events[0]!.json).toMatchObject({ object: 'text_completion', model: 'test-model' });
  });

  it.each([
    [{ prompt: 'x', suffix: 'y' }, 'suffix'],
    [{ prompt: 'x', logprobs: 3 }, 'logprobs'],
    [{ prompt: 'x', logprobs: 0 }, 'logprobs'], // 0 still asks for the chosen tokens' log probabilities
    [{ prompt: 'x', best_of: 2 }, 'best_of'],
    [{ prompt: 'x', n: 3 }, 'n'],
  ])('refuses what it does not support with 400 %#', async (body, param) => {
    expectError(await complete(body), 400, { type: 'invalid_request_error', param, code: 'unsupported_value' });
  });

  it('refuses token-array prompts', async () => {
    const res = await complete({ prompt: [1, 2, 3] });
    expect(res.status).toBe(400);
    expect(res.json.error.param).toBe('prompt');
  });
});
