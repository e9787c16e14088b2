/**
 * The Response API with no model installed: sentiment, language and keywords from the lexicon engine, the
 * cache (visible in /metrics), and a summary that says how to add a model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { scrape } from '../support/prometheus-scrape.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const post = (path: string, body: unknown, token = TEST_ADMIN_KEY) => server.request(`/v1/response/${path}`, { method: 'POST', token, body });

const lexiconInput = (text: string, truncated = false) => ({
  source: 'text', characters: text.length, analyzed_characters: text.length, chunks: 1, truncated,
});

describe('POST /v1/response/analyze-sentiment (lexicon engine)', () => {
  it.each([
    ['I love this product, it is wonderful and works great!', 'positive'],
    ['This is terrible. I hate it and it broke after one day.', 'negative'],
    ['The meeting is scheduled for Tuesday at 10 am in room 4.', 'neutral'],
    ['The food was great but the service was awful.', 'mixed'],
    ['This is not good.', 'negative'],
  ])('%s → %s', async (text, sentiment) => {
    const res = await post('analyze-sentiment', { text });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      object: 'analysis.sentiment',
      sentiment,
      score: expect.any(Number),
      confidence: expect.any(Number),
      engine: 'lexicon',
      input: lexiconInput(text),
      cached: false,
      warnings: [],
    });
    const { score, confidence } = res.json;
    expect(confidence).toBeGreaterThan(0);
    expect(confidence).toBeLessThanOrEqual(1);
    if (sentiment === 'positive') expect(score).toBeGreaterThan(0.5);
    if (sentiment === 'negative') expect(score).toBeLessThan(-0.5);
    if (sentiment === 'neutral' || sentiment === 'mixed') expect(score).toBe(0);
  });

  it('warns that the lexicon covers English only, and is less confident elsewhere', async () => {
    const res = await post('analyze-sentiment', { text: "Le service était vraiment excellent et le personnel très aimable, j'y retournerai." });
    expect(res.status).toBe(200);
    expect(res.json.warnings).toEqual([expect.stringMatching(/English words only and this text looks like 'fr'/)]);
    expect(res.json.confidence).toBeLessThan(0.3);
  });

  it('answers a repeat from the cache, counted in jan_cache_hit_ratio{cache="analysis"}', async () => {
    const text = 'A unique sentence for the cache test: what a lovely, delightful afternoon.';
    const before = await scrape(server.url);
    const first = await post('analyze-sentiment', { text });
    const second = await post('analyze-sentiment', { text });
    expect(first.json.cached).toBe(false);
    expect(second.json).toEqual({ ...first.json, cached: true });
    const after = await scrape(server.url);
    const lookups = (result: string) =>
      after.value('jan_cache_lookups_total', { cache: 'analysis', result }) - before.value('jan_cache_lookups_total', { cache: 'analysis', result });
    expect({ hits: lookups('hit'), misses: lookups('miss') }).toEqual({ hits: 1, misses: 1 });
    expect(after.value('jan_cache_hit_ratio', { cache: 'analysis' })).toBeGreaterThan(0);
    expect(after.value('jan_cache_bytes', { cache: 'analysis' })).toBeGreaterThan(0);
    expect(after.histogram('jan_request_duration_seconds', { route: '/v1/response/analyze-sentiment' })).toBeDefined();
  });

  it('reads only the first 100,000 characters of a long text and says so', async () => {
    const text = 'What a wonderful day it is today. '.repeat(4000); // 136,000 characters
    const res = await post('analyze-sentiment', { text });
    expect(res.status).toBe(200);
    expect(res.json.sentiment).toBe('positive');
    expect(res.json.input).toEqual({ source: 'text', characters: text.trim().length, analyzed_characters: expect.any(Number), chunks: 1, truncated: true });
    expect(res.json.input.analyzed_characters).toBeLessThanOrEqual(100_000);
    expect(res.json.warnings).toEqual([`The lexicon engine read the first ${res.json.input.analyzed_characters} of ${text.trim().length} characters.`]);
  });
});

describe('POST /v1/response/analyze-content (lexicon engine)', () => {
  it.each([
    ['en', 'The quick brown fox jumps over the lazy dog near the river bank every morning.'],
    ['fr', 'Le chat est assis sur le tapis et regarde la pluie tomber dehors toute la journée.'],
    ['de', 'Der Hund läuft schnell durch den Park und spielt mit dem Ball seines Freundes.'],
  ])('detects %s', async (language, text) => {
    const res = await post('analyze-content', { text, tasks: ['language'] });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ object: 'analysis.content', language, engine: 'lexicon', input: lexiconInput(text), cached: false, warnings: [] });
  });

  it('ranks keywords by frequency without stop words, with the reading level of English text', async () => {
    const text = 'Solar panels convert sunlight into electricity. Solar energy is renewable, and solar panels are cheaper every year. Batteries store the electricity for the night.';
    const res = await post('analyze-content', { text, tasks: ['keywords', 'reading_level', 'language'] });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      object: 'analysis.content',
      language: 'en',
      keywords: expect.any(Array),
      reading_level: { flesch_reading_ease: expect.any(Number), flesch_kincaid_grade: expect.any(Number), label: expect.stringMatching(/^(elementary|intermediate|advanced|expert)$/) },
      engine: 'lexicon',
      input: lexiconInput(text),
      cached: false,
      warnings: [],
    });
    expect(res.json.keywords.slice(0, 3)).toEqual(['solar', 'panels', 'electricity']);
    expect(res.json.keywords).not.toContain('the');
    expect(res.json.keywords).not.toContain('and');
  });

  it('answers topics and entities as empty lists with a warning that they need a model', async () => {
    const text = 'Marie Curie worked in Paris on radioactivity.';
    const res = await post('analyze-content', { text });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ language: 'en', topics: [], entities: [], engine: 'lexicon' });
    expect(res.json.keywords).toEqual(expect.arrayContaining(['marie', 'curie', 'paris', 'radioactivity']));
    expect(res.json.warnings).toEqual(['topics and entities need a model: install one (see GET /v1/models) or pass `model`.']);
  });
});

describe('without a model', () => {
  it('a summary is a 404 that says how to add a model', async () => {
    const res = await post('generate-summary', { text: 'Some long text to summarize.' });
    expectError(res, 404, {
      type: 'not_found_error', code: 'model_not_found', param: 'model',
      message: /^A summary needs a model and none is installed\. Put a GGUF model file in .+, or import one with POST \/v1\/models\/import/,
    });
  });

  it('engine "llm" is a 404 too; a named model that is not installed is a 404', async () => {
    expectError(await post('analyze-sentiment', { text: 'Nice.', engine: 'llm' }), 404, { type: 'not_found_error', code: 'model_not_found', param: 'model' });
    expectError(await post('analyze-sentiment', { text: 'Nice.', model: 'no-such-model' }), 404, {
      type: 'invalid_request_error', code: 'model_not_found', param: 'model', message: /^The model 'no-such-model' does not exist/,
    });
  });

  it('engine "lexicon" refuses a model, and refuses summaries', async () => {
    expectError(await post('analyze-sentiment', { text: 'Nice.', engine: 'lexicon', model: 'x' }), 400, {
      type: 'invalid_request_error', code: 'conflicting_input', param: 'model',
    });
    expectError(await post('generate-summary', { text: 'Nice.', engine: 'lexicon' }), 400, {
      type: 'invalid_request_error', code: 'unsupported_value', param: 'engine', message: 'A summary needs a model; the lexicon engine cannot write one.',
    });
  });
});
