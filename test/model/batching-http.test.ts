/**
 * Continuous batching with the real runtime: concurrent generations of one model advance in shared decode
 * steps (observed through jan_llama_decode_batch_sequences, one observation per step), a newcomer joins
 * between steps, and a long newcomer prompt is fed in chunks while the others go on. No timing asserts:
 * which steps are shared is decided by the runtime's step gate, not by the clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { RANDOM, startModelServer } from '../support/model-server.js';
import { scrape } from '../support/prometheus-scrape.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer;
afterEach(() => server.close());

const chat = (content: string, maxTokens: number) =>
  server.request('/v1/chat/completions', {
    method: 'POST', token: TEST_ADMIN_KEY,
    body: { model: RANDOM, messages: [{ role: 'user', content }], max_tokens: maxTokens, temperature: 0 },
  });

async function steps() {
  const series = (await scrape(server.url)).histogram('jan_llama_decode_batch_sequences');
  return { count: series?.count ?? 0, sum: series?.sum ?? 0, single: series?.buckets['1'] ?? 0 };
}

describe('continuous batching', { timeout: 120_000 }, () => {
  it('four concurrent chats share decode steps: more than one sequence per step on average', async () => {
    server = await startModelServer({ parallel: 4 }, { random: true });
    await server.request(`/v1/models/${RANDOM}/load`, { method: 'POST', token: TEST_ADMIN_KEY });
    const before = await steps();
    const replies = await Promise.all([1, 2, 3, 4].map((n) => chat(`Stream ${n}: tell a story`, 24)));
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      expect(reply.json.choices[0].finish_reason).toBe('length');
      expect(reply.json.usage.completion_tokens).toBe(24);
    }
    const after = await steps();
    const stepCount = after.count - before.count;
    const sequences = after.sum - before.sum;
    // 96 tokens in all: one step per token would be 96 steps of one sequence each.
    expect(sequences).toBe(96);
    expect(stepCount).toBeLessThan(96);
    expect(sequences / stepCount).toBeGreaterThan(1);
    expect(after.single - before.single).toBeLessThan(stepCount);
  });

  it('one chat alone advances one sequence per step', async () => {
    server = await startModelServer({ parallel: 4 }, { random: true });
    await server.request(`/v1/models/${RANDOM}/load`, { method: 'POST', token: TEST_ADMIN_KEY });
    const before = await steps();
    const reply = await chat('Alone: tell a story', 10);
    expect(reply.json.usage.completion_tokens).toBe(10);
    const after = await steps();
    expect(after.count - before.count).toBe(10);
    expect(after.sum - before.sum).toBe(10);
  });

  it('a long prompt joining running streams is fed in chunks and completes; the others complete too', async () => {
    server = await startModelServer({ parallel: 4 }, { random: true });
    await server.request(`/v1/models/${RANDOM}/load`, { method: 'POST', token: TEST_ADMIN_KEY });
    const long = 'word '.repeat(400);
    const alone = await chat(long, 8);
    expect(alone.status).toBe(200);
    const running = [1, 2].map((n) => chat(`Runner ${n}: tell a story`, 60));
    // Let the runners start, then the long prompt (a different one: no cache reuse) joins them.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const joined = chat(`${long}again`, 8);
    const [first, second, newcomer] = await Promise.all([...running, joined]);
    for (const reply of [first!, second!]) expect(reply.json.usage.completion_tokens).toBe(60);
    expect(newcomer!.status).toBe(200);
    expect(newcomer!.json.usage.completion_tokens).toBe(8);
    expect(newcomer!.json.usage.prompt_tokens).toBe(alone.json.usage.prompt_tokens + 1);
  });
});
