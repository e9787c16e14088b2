/**
 * The Response API's model engine against the scripted runtime (one character = one token, a fixed JSON
 * reply under any grammar): exact shapes, grammar and options passed to the model, validation of the
 * model's answer (502), caching, and the scheduler's queue limit.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { scrape } from '../support/prometheus-scrape.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer(['test-model'], { parallel: 1, maxQueue: 1 });
});
afterAll(() => server.close());

const post = (path: string, body: unknown) => server.request(`/v1/response/${path}`, { method: 'POST', token: TEST_ADMIN_KEY, body });
const SENTIMENT = { sentiment: 'positive', score: 0.8, confidence: 0.9, aspects: [{ aspect: 'battery', sentiment: 'positive' }] };
let counter = 0;
/** A text no earlier test used (so no cache hit). */
const fresh = (text: string) => `${text} (${++counter})`;

beforeEach(() => {
  server.runtime.jsonReply = JSON.stringify(SENTIMENT);
});

describe('analyze-sentiment with a model', () => {
  it('uses the installed model when none is named, and answers with the exact shape and usage', async () => {
    const text = fresh('The battery lasts for days.');
    const res = await post('analyze-sentiment', { text });
    expect(res.status).toBe(200);
    const generation = server.runtime.generations.at(-1)!;
    const promptTokens = generation.prompt.tokenCount;
    const completionTokens = JSON.stringify(SENTIMENT).length + 1;
    expect(res.json).toEqual({
      object: 'analysis.sentiment',
      ...SENTIMENT,
      engine: 'llm',
      model: 'test-model',
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      input: { source: 'text', characters: text.length, analyzed_characters: text.length, chunks: 1, truncated: false },
      cached: false,
      warnings: [],
    });
    expect(generation.prompt.text).toContain(`user: ${text}\nassistant: `);
    expect(generation.options).toMatchObject({ temperature: 0, format: { type: 'json_schema' } });
    const schema = (generation.options.format as unknown as { schema: { properties: Record<string, { enum?: unknown[] }> } }).schema;
    expect(schema.properties.sentiment!.enum).toEqual(['positive', 'negative', 'neutral', 'mixed']);
    expect(schema.properties.score!.enum).toHaveLength(21);
    expect(Object.keys(schema.properties)).toEqual(['sentiment', 'score', 'confidence', 'aspects']);
  });

  it('leaves aspects out of the schema and the answer when asked to', async () => {
    server.runtime.jsonReply = JSON.stringify({ sentiment: 'neutral', score: 0, confidence: 0.5 });
    const res = await post('analyze-sentiment', { text: fresh('It is a chair.'), aspects: false });
    expect(res.status).toBe(200);
    expect(res.json).not.toHaveProperty('aspects');
    expect(res.json).toMatchObject({ sentiment: 'neutral', score: 0, confidence: 0.5, engine: 'llm' });
  });

  it('still uses the lexicon engine when asked, with a model installed', async () => {
    const before = server.runtime.generations.length;
    const res = await post('analyze-sentiment', { text: fresh('I love it.'), engine: 'lexicon' });
    expect(res.json).toMatchObject({ engine: 'lexicon', sentiment: 'positive' });
    expect(res.json).not.toHaveProperty('model');
    expect(server.runtime.generations.length).toBe(before);
  });

  it('answers a repeat from the cache without asking the model again', async () => {
    const text = fresh('Cache me.');
    const first = await post('analyze-sentiment', { text });
    const count = server.runtime.generations.length;
    const second = await post('analyze-sentiment', { text });
    expect(second.json).toEqual({ ...first.json, cached: true });
    expect(server.runtime.generations.length).toBe(count);
    // Other options are another entry.
    await post('analyze-sentiment', { text, aspects: false });
    expect(server.runtime.generations.length).toBe(count + 1);
  });
});

describe('answers the model cannot make valid', () => {
  it('an answer outside the schema is a 502, not cached', async () => {
    server.runtime.jsonReply = '{"sentiment":"great","score":3,"confidence":1}';
    const text = fresh('Whatever.');
    for (let i = 0; i < 2; i++) {
      expectError(await post('analyze-sentiment', { text }), 502, {
        type: 'server_error', code: 'invalid_model_output', param: 'model',
        message: /^The model 'test-model' did not produce a valid answer \(sentiment: .+\)\. Try again with another model\.$/,
      });
    }
    expect(server.runtime.generations.at(-1)!.prompt.text).toContain(text);
  });

  it('an answer that is not JSON, or cut off at the token limit, is a 502', async () => {
    server.runtime.jsonReply = 'not json';
    expectError(await post('analyze-sentiment', { text: fresh('A') }), 502, {
      type: 'server_error', code: 'invalid_model_output', param: 'model', message: /\(the answer is not JSON\)/,
    });
    server.runtime.jsonReply = `{"sentiment":"positive","pad":"${'x'.repeat(600)}"}`;
    expectError(await post('analyze-sentiment', { text: fresh('B') }), 502, {
      type: 'server_error', code: 'invalid_model_output', param: 'model', message: /\(the answer was cut off after 512 tokens\)/,
    });
  });
});

describe('generate-summary with a model', () => {
  it('trims to max_words and says so; bullets style lists the key points', async () => {
    const long = Array.from({ length: 30 }, (_, i) => `word${i}`).join(' ');
    server.runtime.jsonReply = JSON.stringify({ summary: long, key_points: ['First point', 'Second point'] });
    const text = fresh('A text about many things.');
    const res = await post('generate-summary', { text, max_words: 10 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      object: 'analysis.summary',
      summary: `${long.split(' ').slice(0, 10).join(' ')}…`,
      key_points: ['First point', 'Second point'],
      word_count: 10,
      style: 'paragraph',
      engine: 'llm',
      model: 'test-model',
      warnings: ['The model wrote more than 10 words; the summary was cut there.'],
    });
    const bullets = await post('generate-summary', { text, max_words: 10, style: 'bullets' });
    expect(bullets.json).toMatchObject({ summary: '- First point\n- Second point', word_count: 4, style: 'bullets', warnings: [] });
  });

  it('an empty key point list is a 502', async () => {
    server.runtime.jsonReply = JSON.stringify({ summary: 'Fine.', key_points: [] });
    expectError(await post('generate-summary', { text: fresh('Text.') }), 502, { type: 'server_error', code: 'invalid_model_output', param: 'model' });
  });
});

describe('analyze-content with a model', () => {
  it('asks the model for topics, entities and keywords only; language and reading level are computed', async () => {
    server.runtime.jsonReply = JSON.stringify({
      topics: ['science'], entities: [{ text: 'Marie Curie', type: 'person' }, { text: 'Paris', type: 'location' }], keywords: ['radioactivity'],
    });
    const res = await post('analyze-content', { text: fresh('Marie Curie studied radioactivity in Paris for many years.') });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      object: 'analysis.content',
      language: 'en',
      reading_level: expect.objectContaining({ label: expect.any(String) }),
      topics: ['science'],
      entities: [{ text: 'Marie Curie', type: 'person' }, { text: 'Paris', type: 'location' }],
      keywords: ['radioactivity'],
      engine: 'llm',
      model: 'test-model',
      usage: expect.any(Object),
      input: expect.objectContaining({ chunks: 1, truncated: false }),
      cached: false,
      warnings: [],
    });
    const schema = (server.runtime.generations.at(-1)!.options.format as unknown as { schema: { properties: object } }).schema;
    expect(Object.keys(schema.properties)).toEqual(['topics', 'entities', 'keywords']);
  });

  it('language alone needs no model call', async () => {
    const before = server.runtime.generations.length;
    const res = await post('analyze-content', { text: fresh('Bonjour tout le monde, comment allez-vous aujourd’hui ?'), tasks: ['language'] });
    expect(res.json).toMatchObject({ language: 'fr', engine: 'lexicon' });
    expect(server.runtime.generations.length).toBe(before);
  });

  it('an entity type outside the enum is a 502', async () => {
    server.runtime.jsonReply = JSON.stringify({ entities: [{ text: 'Paris', type: 'city' }] });
    expectError(await post('analyze-content', { text: fresh('Paris.'), tasks: ['entities'] }), 502, { type: 'server_error', code: 'invalid_model_output', param: 'model' });
  });
});

describe('scheduling', () => {
  it('goes through the model’s queue: over its limit the answer is 503 queue_full with Retry-After', async () => {
    const release = server.runtime.hold();
    try {
      const running = post('analyze-sentiment', { text: fresh('one') });
      await server.runtime.whenWaiting(1);
      const queued = post('analyze-sentiment', { text: fresh('two') });
      // Wait until it is in the model's queue (depth 1 = the limit).
      await expect.poll(async () => (await scrape(server.url)).value('jan_request_queue_depth')).toBe(1);
      const refused = await post('analyze-sentiment', { text: fresh('three') });
      expectError(refused, 503, { type: 'service_unavailable_error', code: 'queue_full' });
      expect(refused.headers.get('retry-after')).toBe('1');
      release();
      expect((await running).status).toBe(200);
      expect((await queued).status).toBe(200);
    } finally {
      release();
    }
  });

  it('a client that goes away stops its generation', async () => {
    const release = server.runtime.hold();
    try {
      const abort = new AbortController();
      const request = fetch(`${server.url}/v1/response/analyze-sentiment`, {
        method: 'POST', signal: abort.signal,
        headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ text: fresh('Leaving soon.') }),
      });
      await server.runtime.whenWaiting(1);
      const generation = server.runtime.generations.at(-1)!;
      abort.abort();
      await request.catch(() => undefined);
      await expect.poll(() => generation.result?.finishReason).toBe('aborted');
    } finally {
      release();
    }
  });
});
