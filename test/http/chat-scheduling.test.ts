import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { scrape } from '../support/prometheus-scrape.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

/** Polls /metrics until `name` reads `value` (the server's own view of its queue and slots). */
async function until(server: ScriptedServer, name: string, value: number, labels?: Record<string, string>): Promise<void> {
  while ((await scrape(server.url)).value(name, labels) !== value) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('slots, queue and cancellation (scripted runtime)', () => {
  let server: ScriptedServer;
  afterEach(() => server.close());

  const chat = (content: string | Array<{ role: string; content: string }>, extra: Record<string, unknown> = {}) =>
    server.request('/v1/chat/completions', {
      method: 'POST', token: TEST_ADMIN_KEY,
      body: { model: 'test-model', messages: typeof content === 'string' ? [{ role: 'user', content }] : content, ...extra },
    });

  it('answers 503 with Retry-After when the queue is full, and serves the accepted requests', async () => {
    server = await startScriptedServer(['test-model'], { parallel: 1, maxQueue: 1 });
    const release = server.runtime.hold();
    const first = chat('one');
    await server.runtime.whenWaiting(1);
    const second = chat('two');
    await until(server, 'jan_request_queue_depth', 1);
    const third = await chat('three');
    expectError(third, 503, { type: 'service_unavailable_error', code: 'queue_full', message: /The request queue is full \(1 waiting\)/ });
    expect(third.headers.get('retry-after')).toBe('1');
    release();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(server.runtime.generations.map((g) => g.prompt.text)).toEqual(['user: one\nassistant: ', 'user: two\nassistant: ']);
  });

  it('a client that disconnects mid-stream stops its generation and frees the slot', async () => {
    server = await startScriptedServer(['test-model'], { parallel: 1 });
    const release = server.runtime.hold();
    const req = request(`${server.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
    });
    req.on('error', () => undefined);
    const headers = new Promise((resolve) => req.on('response', resolve));
    req.end(JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'long' }], stream: true }));
    await headers; // the stream has started: the slot is ours
    await server.runtime.whenWaiting(1);
    req.destroy();
    await until(server, 'jan_inference_slots_busy', 0);
    release();
    const next = await chat('next');
    expect(next.status).toBe(200);
    expect(server.runtime.generations[0]!.result!.finishReason).toBe('aborted');
    expect((await scrape(server.url)).value('jan_generations_total', { model: 'test-model', finish_reason: 'aborted' })).toBe(1);
  });

  it('a queued request whose client leaves gives up its place', async () => {
    server = await startScriptedServer(['test-model'], { parallel: 1, maxQueue: 1 });
    const release = server.runtime.hold();
    const first = chat('one');
    await server.runtime.whenWaiting(1);
    const controller = new AbortController();
    const queued = fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST', signal: controller.signal,
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'test-model', messages: [{ role: 'user', content: 'gone' }] }),
    }).catch(() => 'aborted');
    await until(server, 'jan_request_queue_depth', 1);
    controller.abort();
    expect(await queued).toBe('aborted');
    await until(server, 'jan_request_queue_depth', 0);
    const third = chat('three'); // fits in the queue again
    await until(server, 'jan_request_queue_depth', 1);
    release();
    expect((await first).status).toBe(200);
    expect((await third).status).toBe(200);
    expect(server.runtime.generations.map((g) => g.prompt.text)).toEqual(['user: one\nassistant: ', 'user: three\nassistant: ']);
    // The departed client is a 499 (client closed request), not a server error.
    const route = { method: 'POST', route: '/v1/chat/completions' };
    await until(server, 'jan_requests_total', 1, { ...route, status: '499' });
    expect((await scrape(server.url)).value('jan_requests_total', { ...route, status: '500' })).toBe(0);
  });

  it('sends a follow-up turn to the slot holding its prefix and reports the reused tokens', async () => {
    server = await startScriptedServer(['test-model'], { parallel: 2 });
    server.runtime.reply = () => 'Reply.';
    const first = await chat('First question');
    expect(first.json.usage.prompt_tokens_details.cached_tokens).toBe(0);
    await chat('Something unrelated');
    const history = [
      { role: 'user', content: 'First question' },
      { role: 'assistant', content: 'Reply.' },
      { role: 'user', content: 'Follow-up' },
    ];
    const followUp = await chat(history);
    const slots = server.runtime.generations.map((g) => g.slot);
    expect(slots).toEqual([0, 1, 0]);
    const cached = 'user: First question\nassistant: Reply.'.length;
    expect(followUp.json.usage.prompt_tokens_details.cached_tokens).toBe(cached);
    const metrics = await scrape(server.url);
    const promptTotal = metrics.value('jan_prompt_tokens_total', { model: 'test-model' });
    expect(metrics.value('jan_prompt_cached_tokens_total', { model: 'test-model' })).toBe(cached);
    expect(metrics.value('jan_cache_hit_ratio', { cache: 'prompt' })).toBeCloseTo(cached / promptTotal, 10);
  });
});
