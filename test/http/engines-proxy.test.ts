/**
 * Remote engines, the happy paths: a gateway server proxies chat (JSON and streamed), completions, embeddings
 * and responses to an upstream that is a second instance of this server running the designed model, lists the
 * upstream's models in /v1/models, and shows the engine in GET /v1/admin/engines — with the key nowhere.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGNED, startModelServer } from '../support/model-server.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { parseSse } from '../support/sse.js';
import { expectError } from '../support/error-envelope.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';
import { newMember } from './team-helpers.js';

let upstream: TestServer;
let gateway: ScriptedServer;

async function waitHealthy(server: TestServer, name: string, models: string[] = []) {
  for (let i = 0; i < 200; i++) {
    const res = await server.request('/v1/admin/engines', { token: TEST_ADMIN_KEY });
    const engine = res.json.data.find((e: { name: string }) => e.name === name);
    if (engine?.state === 'healthy' && models.every((m) => engine.models.includes(m))) return engine;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`engine ${name} never became healthy`);
}

beforeAll(async () => {
  upstream = await startModelServer();
  const port = new URL(upstream.url).port;
  // The upstream's admin key doubles as the engine key the gateway sends.
  gateway = await startScriptedServer(['local-model'], {
    engines: JSON.stringify([{ name: 'gpu1', url: `http://127.0.0.1:${port}` }]),
    engineKeys: `gpu1=${TEST_ADMIN_KEY}`,
    engineCheckMs: 200,
  });
  await waitHealthy(gateway, 'gpu1', [DESIGNED]);
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await upstream?.close();
});

describe('remote engines: proxying to a second server', () => {
  it('answers a chat completion from the engine, and the local model still from the local runtime', async () => {
    const remote = await gateway.request('/v1/chat/completions', {
      method: 'POST', token: TEST_ADMIN_KEY, body: { model: DESIGNED, messages: [{ role: 'user', content: 'Hi' }], temperature: 0 },
    });
    expect(remote.status, remote.text).toBe(200);
    expect(remote.headers.get('x-jan-engine')).toBe('gpu1');
    expect(remote.json).toMatchObject({ object: 'chat.completion', model: DESIGNED, choices: [{ message: { role: 'assistant', content: 'Hey world' } }] });
    const local = await gateway.request('/v1/chat/completions', {
      method: 'POST', token: TEST_ADMIN_KEY, body: { model: 'local-model', messages: [{ role: 'user', content: 'Hi' }] },
    });
    expect(local.status).toBe(200);
    expect(local.headers.get('x-jan-engine')).toBeNull();
    expect(gateway.runtime.generations).toHaveLength(1);
  });

  it('streams a chat completion chunk by chunk, ending with [DONE]', async () => {
    const res = await gateway.request('/v1/chat/completions', {
      method: 'POST', token: TEST_ADMIN_KEY, body: { model: DESIGNED, messages: [{ role: 'user', content: 'Hi' }], temperature: 0, stream: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = parseSse(res.text);
    expect(events.at(-1)!.data).toBe('[DONE]');
    const text = events.slice(0, -1).map((e) => e.json.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe('Hey world');
    expect(events.every((e) => e.data === '[DONE]' || e.json.object === 'chat.completion.chunk')).toBe(true);
  });

  it('proxies completions, embeddings and responses (JSON and streamed)', async () => {
    const completion = await gateway.request('/v1/completions', { method: 'POST', token: TEST_ADMIN_KEY, body: { model: DESIGNED, prompt: 'Hi', max_tokens: 4 } });
    expect(completion.status, completion.text).toBe(200);
    expect(completion.json).toMatchObject({ object: 'text_completion', model: DESIGNED });
    const embeddings = await gateway.request('/v1/embeddings', { method: 'POST', token: TEST_ADMIN_KEY, body: { model: DESIGNED, input: ['one', 'two'] } });
    expect(embeddings.status, embeddings.text).toBe(200);
    expect(embeddings.json.data).toHaveLength(2);
    expect(embeddings.json.data[0].embedding.length).toBeGreaterThan(0);
    const response = await gateway.request('/v1/responses', { method: 'POST', token: TEST_ADMIN_KEY, body: { model: DESIGNED, input: 'Hi', temperature: 0 } });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({ object: 'response', status: 'completed', model: DESIGNED });
    const streamed = await gateway.request('/v1/responses', { method: 'POST', token: TEST_ADMIN_KEY, body: { model: DESIGNED, input: 'Hi', temperature: 0, stream: true } });
    expect(streamed.status).toBe(200);
    const events = parseSse(streamed.text);
    expect(events[0]!.event).toBe('response.created');
    expect(events.at(-1)!.event).toBe('response.completed');
  });

  it('lists the engine\'s models in /v1/models, owned by the engine', async () => {
    const list = await gateway.request('/v1/models', { token: TEST_ADMIN_KEY });
    expect(list.status).toBe(200);
    const ids = list.json.data.map((m: { id: string; owned_by: string }) => [m.id, m.owned_by]);
    expect(ids).toEqual(expect.arrayContaining([['local-model', 'local'], [DESIGNED, 'gpu1']]));
    const one = await gateway.request(`/v1/models/${DESIGNED}`, { token: TEST_ADMIN_KEY });
    expect(one.json).toMatchObject({ id: DESIGNED, object: 'model', owned_by: 'gpu1', status: 'loaded' });
  });

  it('shows the engine to admins without its key; 401 without credentials, 403 for a member', async () => {
    const res = await gateway.request('/v1/admin/engines', { token: TEST_ADMIN_KEY });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ object: 'list', check_interval_ms: 200 });
    expect(res.json.data[0]).toMatchObject({
      object: 'engine', name: 'gpu1', state: 'healthy', healthy: true, has_key: true, models_source: 'discovered',
      models: [DESIGNED], in_flight: 0, consecutive_failures: 0,
    });
    expect(res.json.data[0].requests_total).toBeGreaterThan(0);
    expect(typeof res.json.data[0].latency_ms).toBe('number');
    const settings = await gateway.request('/v1/admin/settings', { token: TEST_ADMIN_KEY });
    const metrics = await gateway.request('/metrics');
    for (const text of [res.text, settings.text, metrics.text]) expect(text).not.toContain(TEST_ADMIN_KEY);
    expect(settings.json.data.find((s: { name: string }) => s.name === 'engineKeys')).toMatchObject({ secret: true, value: null, is_set: true });

    expectError(await gateway.request('/v1/admin/engines'), 401, { type: 'authentication_error', code: 'invalid_api_key' });
    const member = await newMember(gateway, 'mia');
    expectError(await gateway.request('/v1/admin/engines', { token: member.key }), 403, { type: 'permission_error', code: 'forbidden' });
  });

  it('counts requests per engine in /metrics', async () => {
    const metrics = await gateway.request('/metrics');
    expect(metrics.text).toMatch(/jan_engine_requests_total\{engine="gpu1"\} [1-9]/);
    expect(metrics.text).toContain('jan_engine_up{engine="gpu1"} 1');
    expect(metrics.text).toContain('jan_engine_requests_in_flight{engine="gpu1"} 0');
    expect(metrics.text).toMatch(/jan_engine_request_duration_seconds_count\{engine="gpu1"\} [1-9]/);
  });
});
