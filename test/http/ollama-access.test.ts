/**
 * Ollama's API (`/api/*`) is served like `/v1`: the same credentials (Bearer or X-API-Key; 401 without),
 * admin-only deletes, rate and stream limits, metrics by route template; every refusal in Ollama's shape
 * `{"error":"message"}`. Unknown models are Ollama's 404 `model 'x' not found`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { scrape } from '../support/prometheus-scrape.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const start = async (overrides = {}) => (server = await startScriptedServer(['test-model'], overrides));
const chatBody = { model: 'test-model', messages: [{ role: 'user', content: 'Hi' }] };
const NO_CREDENTIALS = 'Missing or invalid credentials. Send `Authorization: Bearer <API key or token>` or `X-API-Key`.';

describe('credentials', () => {
  it('401s every route but /api/version without credentials, in Ollama\'s shape', async () => {
    const s = await start();
    const routes: Array<[string, string, unknown?]> = [
      ['GET', '/api/tags'], ['GET', '/api/ps'], ['POST', '/api/show', { model: 'test-model' }], ['POST', '/api/chat', chatBody],
      ['POST', '/api/generate', { model: 'test-model', prompt: 'x' }], ['POST', '/api/embed', { model: 'test-model', input: 'x' }],
      ['POST', '/api/embeddings', { model: 'test-model', prompt: 'x' }], ['POST', '/api/pull', { model: 'x' }], ['DELETE', '/api/delete', { model: 'x' }],
    ];
    for (const [method, path, body] of routes) {
      const res = await s.request(path, { method, body });
      expect({ route: `${method} ${path}`, status: res.status, body: res.json }).toEqual({ route: `${method} ${path}`, status: 401, body: { error: NO_CREDENTIALS } });
    }
    expect(await s.request('/api/version')).toMatchObject({ status: 200, json: { version: '0.12.0' } });
  });

  it('takes an API key as Bearer or X-API-Key, and a user\'s token', async () => {
    const s = await start();
    expect((await s.request('/api/tags', { headers: { 'X-API-Key': TEST_ADMIN_KEY } })).status).toBe(200);
    const guest = await s.guestToken();
    const res = await s.request('/api/chat', { method: 'POST', token: guest, body: { ...chatBody, stream: false } });
    expect(res.json.message.content).toBe('Hello from the script.');
  });

  it('deletes a model only for an admin (403 otherwise), with an empty 200 like Ollama', async () => {
    const s = await start();
    const guest = await s.guestToken();
    const refused = await s.request('/api/delete', { method: 'DELETE', token: guest, body: { model: 'test-model' } });
    expect({ status: refused.status, body: refused.json }).toEqual({ status: 403, body: { error: 'This endpoint needs an admin credential.' } });
    const deleted = await s.request('/api/delete', { method: 'DELETE', token: TEST_ADMIN_KEY, body: { name: 'test-model:latest' } });
    expect({ status: deleted.status, text: deleted.text }).toEqual({ status: 200, text: '' });
    expect((await s.request('/api/tags', { token: TEST_ADMIN_KEY })).json).toEqual({ models: [] });
    const again = await s.request('/api/delete', { method: 'DELETE', token: TEST_ADMIN_KEY, body: { model: 'test-model' } });
    expect({ status: again.status, body: again.json }).toEqual({ status: 404, body: { error: "model 'test-model' not found" } });
  });
});

describe('errors', () => {
  let s: ScriptedServer;
  beforeAll(async () => {
    s = await startScriptedServer(['test-model']);
  });
  afterAll(() => s.close());

  it('404s an unknown model on every route that names one', async () => {
    const calls: Array<[string, string, Record<string, unknown>]> = [
      ['POST', '/api/chat', { model: 'nope', messages: [{ role: 'user', content: 'x' }] }],
      ['POST', '/api/chat', { model: 'nope', messages: [{ role: 'user', content: 'x' }], stream: false }],
      ['POST', '/api/chat', { model: 'nope' }],
      ['POST', '/api/generate', { model: 'nope', prompt: 'x', raw: true }],
      ['POST', '/api/generate', { model: 'nope', prompt: '', keep_alive: 0 }],
      ['POST', '/api/embed', { model: 'nope', input: 'x' }],
      ['POST', '/api/embeddings', { model: 'nope', prompt: 'x' }],
      ['POST', '/api/show', { model: 'nope' }],
    ];
    for (const [method, path, body] of calls) {
      const res = await s.request(path, { method, token: TEST_ADMIN_KEY, body });
      expect({ call: `${path} ${JSON.stringify(body)}`, status: res.status, body: res.json }).toEqual({
        call: `${path} ${JSON.stringify(body)}`, status: 404, body: { error: "model 'nope' not found" },
      });
    }
  });

  it.each([
    ['/api/chat', { messages: [] }, "Invalid 'model': model is required"],
    ['/api/chat', { model: 'test-model', messages: 'hi' }, "Invalid 'messages': Invalid input: expected array, received string"],
    ['/api/chat', { model: 'test-model', messages: [{ role: 'robot', content: 'x' }] }, expect.stringMatching(/^Invalid 'messages\[0\]\.role': /)],
    ['/api/chat', { ...chatBody, messages: [{ role: 'user', content: 'x', images: ['aGk='] }] }, 'images are not supported: the models this server runs take text only.'],
    ['/api/chat', { ...chatBody, options: { temperature: 'hot' } }, "Invalid 'options.temperature': Invalid input: expected number, received string"],
    ['/api/show', {}, "Invalid 'model': model is required"],
    ['/api/embed', { model: 'test-model', input: [1] }, "Invalid 'input': input must be a string or an array of strings"],
  ])('400s bad input to %s %#', async (path, body, error) => {
    const res = await s.request(path, { method: 'POST', token: TEST_ADMIN_KEY, body });
    expect({ status: res.status, body: res.json }).toEqual({ status: 400, body: { error } });
  });

  it('400s a pull of an Ollama library name (only hf.co/… names); 404s routes it does not have; 415s non-JSON', async () => {
    const pull = await s.request('/api/pull', { method: 'POST', token: TEST_ADMIN_KEY, body: { model: 'llama3.2' } });
    expect({ status: pull.status, body: pull.json }).toEqual({
      status: 400,
      body: { error: "'llama3.2' is not a hub model reference; use hf.co/{owner}/{repo}:{quantization}, e.g. hf.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M." },
    });
    const unknown = await s.request('/api/copy', { method: 'POST', token: TEST_ADMIN_KEY, body: {} });
    expect({ status: unknown.status, body: unknown.json }).toEqual({ status: 404, body: { error: 'Unknown route: POST /api/copy' } });
    const form = await s.request('/api/chat', { method: 'POST', token: TEST_ADMIN_KEY, body: '{}', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect({ status: form.status, body: form.json }).toEqual({ status: 415, body: { error: "Content-Type must be application/json, not 'application/x-www-form-urlencoded'." } });
  });
});

describe('limits and metrics', () => {
  it('429s past the rate limit with Retry-After, in Ollama\'s shape', async () => {
    const s = await start({ clientRateLimit: 1, rateHardLimit: 1000, rateSoftLimit: 1000 });
    const answers = await Promise.all([1, 2, 3].map(() => s.request('/api/tags', { token: TEST_ADMIN_KEY })));
    const refused = answers.find((r) => r.status === 429)!;
    expect(refused.json).toEqual({ error: expect.stringMatching(/^Rate limit reached for your credentials or address: 1 requests per second\./) });
    expect(refused.headers.get('retry-after')).toBe('1');
  });

  it('a stream (the default) holds a stream slot: past the limit a new one is a 503 while stream: false is served', async () => {
    const s = await start({ streamsSoftLimit: 1, streamsHardLimit: 1 });
    const release = s.runtime.hold();
    const first = s.request('/api/chat', { method: 'POST', token: TEST_ADMIN_KEY, body: chatBody });
    await s.runtime.whenWaiting(1);
    const second = await s.request('/api/chat', { method: 'POST', token: TEST_ADMIN_KEY, body: chatBody });
    expect({ status: second.status, body: second.json }).toEqual({ status: 503, body: { error: 'Too many streamed responses are open; try again shortly.' } });
    const unstreamed = s.request('/api/chat', { method: 'POST', token: TEST_ADMIN_KEY, body: { ...chatBody, stream: false } });
    await s.runtime.whenWaiting(2);
    release();
    expect((await first).text.trim().split('\n').at(-1)).toMatch(/"done":true/);
    expect((await unstreamed).status).toBe(200);
  });

  it('labels requests by route template', async () => {
    const s = await start();
    await s.request('/api/chat', { method: 'POST', token: TEST_ADMIN_KEY, body: chatBody });
    await s.request('/api/tags', { token: TEST_ADMIN_KEY });
    const metrics = await scrape(s.url);
    expect(metrics.value('jan_requests_total', { method: 'POST', route: '/api/chat', status: '200' })).toBe(1);
    expect(metrics.value('jan_requests_total', { method: 'GET', route: '/api/tags', status: '200' })).toBe(1);
  });
});
