/**
 * Long inputs and the model's context (scripted runtime: one character = one token, a 1,024-token context):
 * chunks that fit, map-reduce for summaries, merged sentiment, and the chunk limit reported as truncation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

const CONTEXT = 1024;
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer(['test-model'], { contextSize: CONTEXT, analysisMaxChunks: 4 });
});
afterAll(() => server.close());

const post = (path: string, body: unknown) => server.request(`/v1/response/${path}`, { method: 'POST', token: TEST_ADMIN_KEY, body });

/** `sentences` distinct sentences of about 60 characters. */
const longText = (sentences: number, tag: string) =>
  Array.from({ length: sentences }, (_, i) => `Sentence ${i} of the ${tag} text talks about the sea and ships.`).join(' ');

describe('chunking', () => {
  it('splits a text longer than the context into chunks that each fit, at sentence ends', async () => {
    server.runtime.jsonReply = JSON.stringify({ sentiment: 'neutral', score: 0, confidence: 0.6, aspects: [] });
    const text = longText(20, 'sentiment'); // ~1,300 characters = tokens
    const before = server.runtime.generations.length;
    const res = await post('analyze-sentiment', { text });
    expect(res.status).toBe(200);
    const calls = server.runtime.generations.slice(before);
    expect(res.json.input).toEqual({ source: 'text', characters: text.length, analyzed_characters: text.length, chunks: calls.length, truncated: false });
    expect(calls.length).toBeGreaterThan(2);
    for (const call of calls) {
      expect(call.prompt.tokenCount).toBeLessThan(CONTEXT);
      expect(call.prompt.text).toMatch(/ships\.\nassistant: $/); // each chunk ends at a sentence end
    }
    // Every sentence was read exactly once.
    const read = calls.map((c) => c.prompt.text).join('');
    for (let i = 0; i < 20; i++) expect(read.split(`Sentence ${i} of`).length - 1).toBe(1);
    expect(res.json.usage.prompt_tokens).toBe(calls.reduce((sum, c) => sum + c.prompt.tokenCount, 0));
  });

  it('summarizes each chunk, then combines the partial summaries in one more call', async () => {
    server.runtime.jsonReply = JSON.stringify({ summary: 'Ships at sea.', key_points: ['The sea'] });
    const text = longText(20, 'summary');
    const before = server.runtime.generations.length;
    const res = await post('generate-summary', { text, max_words: 20 });
    expect(res.status).toBe(200);
    const calls = server.runtime.generations.slice(before);
    const chunks = res.json.input.chunks as number;
    expect(chunks).toBeGreaterThan(1);
    expect(calls).toHaveLength(chunks + 1);
    expect(calls.slice(0, chunks).every((c) => c.prompt.text.includes('This is one part of a longer document'))).toBe(true);
    const combine = calls.at(-1)!.prompt.text;
    expect(combine).toContain('These are summaries of consecutive parts of one document');
    expect(combine).toContain(`Part ${chunks}: Ships at sea.\nKey points: The sea`);
    expect(res.json).toMatchObject({ summary: 'Ships at sea.', key_points: ['The sea'], word_count: 3, engine: 'llm' });
  });

  it('reads at most JAN_ANALYSIS_MAX_CHUNKS chunks and says the rest was skipped', async () => {
    server.runtime.jsonReply = JSON.stringify({ topics: ['sea'], keywords: ['ships', 'sea'] });
    const text = longText(200, 'content'); // ~12,500 characters
    const res = await post('analyze-content', { text, tasks: ['topics', 'keywords'] });
    expect(res.status).toBe(200);
    expect(res.json.input).toEqual({ source: 'text', characters: text.length, analyzed_characters: expect.any(Number), chunks: 4, truncated: true });
    expect(res.json.input.analyzed_characters).toBeLessThan(text.length);
    expect(res.json.warnings).toEqual([
      `The input was read in 4 chunks (the most allowed, JAN_ANALYSIS_MAX_CHUNKS): ${res.json.input.analyzed_characters} of ${text.length} characters.`,
    ]);
    expect(res.json).toMatchObject({ topics: ['sea'], keywords: ['ships', 'sea'] });
  });

  it('a context too small for the prompt and the answer is a 400', async () => {
    const small = await startScriptedServer(['tiny'], { contextSize: 256 });
    try {
      const res = await small.request('/v1/response/generate-summary', { method: 'POST', token: TEST_ADMIN_KEY, body: { text: 'Hello.', max_words: 200 } });
      expect(res.status).toBe(400);
      expect(res.json.error).toMatchObject({ type: 'invalid_request_error', code: 'context_length_exceeded', param: 'model' });
      expect(res.json.error.message).toMatch(/^The model 'tiny' has 256 tokens of context; this analysis needs at least \d+\. Raise JAN_CONTEXT_SIZE/);
    } finally {
      await small.close();
    }
  });
});
