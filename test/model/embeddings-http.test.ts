/** Embeddings and legacy completions through HTTP with the real runtime and the designed model. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESIGNED_HYPERPARAMS } from '../support/gguf/designed-model.js';
import { DESIGNED, startModelServer } from '../support/model-server.js';
import { TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

const post = (path: string, body: Record<string, unknown>) =>
  server.request(path, { method: 'POST', token: TEST_ADMIN_KEY, body: { model: DESIGNED, ...body } });

describe('embeddings with the designed model', () => {
  it('returns one unit vector per input, model-wide, with token usage', async () => {
    const res = await post('/v1/embeddings', { input: ['Hello world', 'Hello world', 'Something else'] });
    expect(res.status).toBe(200);
    const vectors: number[][] = res.json.data.map((d: { embedding: number[] }) => d.embedding);
    expect(vectors.map((v) => v.length)).toEqual([DESIGNED_HYPERPARAMS.nEmbd, DESIGNED_HYPERPARAMS.nEmbd, DESIGNED_HYPERPARAMS.nEmbd]);
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(vectors[0]).toEqual(vectors[1]);
    expect(vectors[2]).not.toEqual(vectors[0]);
    // One token per character.
    expect(res.json.usage).toEqual({ prompt_tokens: 11 + 11 + 14, total_tokens: 36 });
  });

  it('base64 decodes to the same floats', async () => {
    const floats = await post('/v1/embeddings', { input: 'Hello world' });
    const b64 = await post('/v1/embeddings', { input: 'Hello world', encoding_format: 'base64' });
    const bytes = Buffer.from(b64.json.data[0].embedding, 'base64');
    expect([...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)]).toEqual(
      floats.json.data[0].embedding.map((x: number) => Math.fround(x)),
    );
  });
});

describe('legacy completions with the designed model', () => {
  it('continues raw text with the model\'s next-token table (no chat template)', async () => {
    // "Hello" ends with `o`, which the table continues as `r l d`, then end of sequence.
    const res = await post('/v1/completions', { prompt: 'Hello', temperature: 0, max_tokens: 20 });
    expect(res.json.choices).toEqual([{ text: 'rld', index: 0, logprobs: null, finish_reason: 'stop' }]);
    expect(res.json.usage).toMatchObject({ prompt_tokens: 6, completion_tokens: 4 });
  });
});
