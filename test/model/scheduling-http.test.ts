/**
 * Slots, queue and cancellation with the real runtime. A small random-weight model keeps slots busy (it rarely
 * ends a reply by itself, so `max_tokens` bounds each request).
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { RANDOM, startModelServer } from '../support/model-server.js';
import { scrape } from '../support/prometheus-scrape.js';
import { parseSse } from '../support/sse.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer;
afterEach(() => server.close());

async function until(name: string, value: number, labels?: Record<string, string>): Promise<void> {
  while ((await scrape(server.url)).value(name, labels) !== value) await new Promise((resolve) => setTimeout(resolve, 10));
}

interface OpenStream {
  status: number;
  firstChunk: Promise<string>;
  body: Promise<string>;
  destroy(): void;
}

/** Starts a streamed chat request and resolves once the response headers are in. */
function openStream(body: Record<string, unknown>): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      let gotFirst: (chunk: string) => void;
      const firstChunk = new Promise<string>((r) => (gotFirst = r));
      const done = new Promise<string>((r) => res.on('end', () => r(text)).on('close', () => r(text)));
      res.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        gotFirst(chunk);
      });
      resolve({ status: res.statusCode ?? 0, firstChunk, body: done, destroy: () => req.destroy() });
    });
    req.end(JSON.stringify({ model: RANDOM, messages: [{ role: 'user', content: 'Go on' }], stream: true, ...body }));
  });
}

const chat = (body: Record<string, unknown>) =>
  server.request('/v1/chat/completions', {
    method: 'POST', token: TEST_ADMIN_KEY, body: { model: RANDOM, messages: [{ role: 'user', content: 'Hi' }], ...body },
  });

describe('scheduling with the real runtime', () => {
  it('a disconnect mid-stream stops generation and frees the slot at once; a full queue answers 503', async () => {
    server = await startModelServer({ parallel: 1, maxQueue: 1 }, { random: true });
    const long = await openStream({ max_tokens: 100_000 });
    expect(long.status).toBe(200);
    await long.firstChunk;
    const queued = chat({ max_tokens: 3 });
    await until('jan_request_queue_depth', 1);
    const refused = await chat({ max_tokens: 3 });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.json.error).toMatchObject({ type: 'service_unavailable_error', code: 'queue_full' });
    long.destroy();
    const served = await queued;
    expect(served.status).toBe(200);
    expect(served.json.choices[0].finish_reason).toBe('length');
    await until('jan_generations_total', 1, { model: RANDOM, finish_reason: 'aborted' });
    const metrics = await scrape(server.url);
    expect(metrics.value('jan_inference_slots_busy')).toBe(0);
    expect(metrics.value('jan_request_queue_depth')).toBe(0);
    // The aborted reply was cut long before the context (1024 tokens) was full.
    expect(metrics.value('jan_generated_tokens_total', { model: RANDOM })).toBeLessThan(1000);
  });

  it('50 concurrent streams with a small queue: each is served completely or refused with 503, and the server stays healthy', async () => {
    server = await startModelServer({ parallel: 2, maxQueue: 8 }, { random: true });
    await server.request(`/v1/models/${RANDOM}/load`, { method: 'POST', token: TEST_ADMIN_KEY });
    const streams = await Promise.all(Array.from({ length: 50 }, () => openStream({ max_tokens: 80 })));
    const bodies = await Promise.all(streams.map((s) => s.body));
    const served = streams.filter((s) => s.status === 200).length;
    const refused = streams.filter((s) => s.status === 503).length;
    expect(served + refused).toBe(50);
    // Both slots, plus the queue places one member may hold (a quarter of the queue stays free for others).
    expect(served).toBeGreaterThanOrEqual(2 + 8 - Math.floor(8 / 4));
    expect(refused).toBeGreaterThanOrEqual(1);
    streams.forEach((s, i) => {
      if (s.status !== 200) return expect(JSON.parse(bodies[i]!).error.code).toBe('queue_full');
      const events = parseSse(bodies[i]!);
      expect(events.at(-1)!.data).toBe('[DONE]');
      // A random-weight model may draw its end-of-sequence token before max_tokens: both end a complete reply.
      expect(['length', 'stop']).toContain(events.at(-2)!.json.choices[0].finish_reason);
    });
    expect((await server.request('/healthz')).status).toBe(200);
    await until('jan_active_streams', 0);
    expect((await scrape(server.url)).value('jan_inference_slots_busy')).toBe(0);
    expect((await chat({ max_tokens: 2 })).status).toBe(200);
  });
});
