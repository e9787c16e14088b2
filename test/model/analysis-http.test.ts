/**
 * The Response API with the real node-llama-cpp runtime and the designed model (test/support/gguf/
 * designed-model.ts): under the analysis grammars it writes "Hey world" into every string and picks enum
 * values, so every answer is valid JSON of the documented shapes. Tests assert structure, enum validity,
 * caching and chunking, never wording.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGNED, startModelServer } from '../support/model-server.js';
import { uploadFile } from '../support/media-fixtures-http.js';
import { scrape } from '../support/prometheus-scrape.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const CONTEXT = 2048;
let server: TestServer;
beforeAll(async () => {
  server = await startModelServer({ contextSize: CONTEXT });
});
afterAll(() => server.close());

const post = (path: string, body: unknown) => server.request(`/v1/response/${path}`, { method: 'POST', token: TEST_ADMIN_KEY, body });
const LABELS = ['positive', 'negative', 'neutral', 'mixed'];
const ENTITY_TYPES = ['person', 'organization', 'location', 'date', 'product', 'event', 'other'];
const onGrid = (value: number) => Math.abs(value * 10 - Math.round(value * 10)) < 1e-9;

function expectUsage(usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }) {
  expect(usage.prompt_tokens).toBeGreaterThan(0);
  expect(usage.completion_tokens).toBeGreaterThan(0);
  expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);
}

describe('analysis with the designed model', () => {
  it('sentiment: valid labels, scores on the grammar grid, aspects, usage; the installed model is chosen', async () => {
    const res = await post('analyze-sentiment', { text: 'The screen is bright but the battery dies fast.' });
    expect(res.status).toBe(200);
    const { sentiment, score, confidence, aspects, usage } = res.json;
    expect(res.json).toMatchObject({ object: 'analysis.sentiment', engine: 'llm', model: DESIGNED, cached: false, warnings: [] });
    expect(LABELS).toContain(sentiment);
    expect(score).toBeGreaterThanOrEqual(-1);
    expect(score).toBeLessThanOrEqual(1);
    expect(onGrid(score)).toBe(true);
    expect(confidence).toBeGreaterThanOrEqual(0);
    expect(confidence).toBeLessThanOrEqual(1);
    expect(aspects.length).toBeGreaterThan(0);
    for (const aspect of aspects) expect(LABELS).toContain(aspect.sentiment);
    expectUsage(usage);
  });

  it('a repeat is a cache hit: the hit counter moves and no generation runs', async () => {
    const body = { text: 'Cached sentences are cheap.', aspects: false };
    const first = await post('analyze-sentiment', body);
    const before = await scrape(server.url);
    const second = await post('analyze-sentiment', body);
    const after = await scrape(server.url);
    expect(second.json).toEqual({ ...first.json, cached: true });
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('jan_cache_lookups_total', { cache: 'analysis', result: 'hit' })).toBe(1);
    expect(delta('jan_cache_lookups_total', { cache: 'analysis', result: 'miss' })).toBe(0);
    expect(delta('jan_generated_tokens_total', { model: DESIGNED })).toBe(0);
  });

  it('summary: a non-empty summary and key points, word_count of the summary; bullets lists the points', async () => {
    const res = await post('generate-summary', { text: 'The meeting moved to Friday. Bring the budget figures and the new plan.', max_words: 40 });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ object: 'analysis.summary', style: 'paragraph', engine: 'llm', model: DESIGNED });
    expect(res.json.summary.length).toBeGreaterThan(0);
    expect(res.json.word_count).toBe(res.json.summary.split(/\s+/).length);
    expect(res.json.key_points.length).toBeGreaterThan(0);
    expectUsage(res.json.usage);
    const bullets = await post('generate-summary', { text: 'The meeting moved to Friday.', max_words: 40, style: 'bullets' });
    expect(bullets.json.summary).toBe(bullets.json.key_points.map((p: string) => `- ${p}`).join('\n'));
  });

  it('content: entity types from the enum, computed language and reading level', async () => {
    const res = await post('analyze-content', { text: 'Marie Curie studied radioactivity in Paris with Pierre Curie.' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ object: 'analysis.content', language: 'en', engine: 'llm', model: DESIGNED });
    expect(Object.keys(res.json.reading_level)).toEqual(['flesch_reading_ease', 'flesch_kincaid_grade', 'label']);
    for (const key of ['topics', 'keywords']) expect(res.json[key].every((s: unknown) => typeof s === 'string' && s !== '')).toBe(true);
    for (const entity of res.json.entities) expect(ENTITY_TYPES).toContain(entity.type);
  });

  it('chunks a text longer than the context (map-reduce for the summary)', async () => {
    const text = Array.from({ length: 60 }, (_, i) => `Line ${i}: the harbour was quiet and the boats rested.`).join(' ');
    expect(text.length).toBeGreaterThan(CONTEXT); // one character is one token for this model
    const sentiment = await post('analyze-sentiment', { text, aspects: false });
    expect(sentiment.status).toBe(200);
    expect(sentiment.json.input).toMatchObject({ chunks: expect.any(Number), truncated: false, analyzed_characters: text.length });
    expect(sentiment.json.input.chunks).toBeGreaterThan(1);
    expect(sentiment.json.usage.prompt_tokens).toBeGreaterThan(text.length);
    const summary = await post('generate-summary', { text, max_words: 30 });
    expect(summary.status).toBe(200);
    expect(summary.json.input.chunks).toBeGreaterThan(1);
    expect(summary.json.summary.length).toBeGreaterThan(0);
  });

  it('reads a conversation and an uploaded file', async () => {
    const conversation = await server.request('/v1/conversations', {
      method: 'POST', token: TEST_ADMIN_KEY,
      body: { items: [{ type: 'message', role: 'user', content: 'Where is the station?' }, { type: 'message', role: 'assistant', content: 'Two streets north.' }] },
    });
    const fromConversation = await post('generate-summary', { conversation_id: conversation.json.id, max_words: 30 });
    expect(fromConversation.status).toBe(200);
    expect(fromConversation.json.input).toMatchObject({ source: 'conversation', characters: 'User: Where is the station?\n\nAssistant: Two streets north.'.length });
    const file = await uploadFile(server, TEST_ADMIN_KEY, new TextEncoder().encode('Quarterly sales grew in every region.'), 'report.txt');
    const fromFile = await post('analyze-sentiment', { file_id: file.json.id });
    expect(fromFile.status).toBe(200);
    expect(fromFile.json.input).toMatchObject({ source: 'file', chunks: 1 });
  });
});
