import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startScriptedServer, type ScriptedServer } from '../support/inference-server.js';
import { TEST_ADMIN_KEY } from '../support/test-server.js';

describe('POST /v1/embeddings (scripted runtime)', () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(() => server.close());

  const embed = (body: Record<string, unknown>) =>
    server.request('/v1/embeddings', { method: 'POST', token: TEST_ADMIN_KEY, body: { model: 'test-model', ...body } });

  it('embeds a string as floats in the OpenAI list shape', async () => {
    const res = await embed({ input: 'abc' });
    const norm = Math.hypot(3, 1);
    expect(res.json).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: [3 / norm, 1 / norm, 0, 0] }],
      model: 'test-model',
      usage: { prompt_tokens: 3, total_tokens: 3 },
    });
  });

  it('embeds several inputs and answers base64 little-endian float32 when asked', async () => {
    const res = await embed({ input: ['a', 'bb'], encoding_format: 'base64' });
    expect(res.json.data.map((d: { index: number }) => d.index)).toEqual([0, 1]);
    const decoded = res.json.data.map((d: { embedding: string }) => {
      const bytes = Buffer.from(d.embedding, 'base64');
      return [...new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4)];
    });
    expect(decoded[1]).toEqual([...new Float32Array([2 / Math.hypot(2, 1), 1 / Math.hypot(2, 1), 0, 0])]);
    expect(res.json.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });

  it.each([
    [{ input: [] }, 'input', 'invalid_value'],
    [{ input: [[1, 2]] }, 'input', 'invalid_value'],
    [{ input: 'x', encoding_format: 'hex' }, 'encoding_format', 'invalid_value'],
    [{ input: 'x', dimensions: 3 }, 'dimensions', 'unsupported_value'],
  ])('400s bad input %#', async (body, param, code) => {
    expectError(await embed(body), 400, { type: 'invalid_request_error', param, code });
  });

  it('404s an unknown model', async () => {
    expectError(await embed({ model: 'nope', input: 'x' }), 404, { type: 'invalid_request_error', param: 'model', code: 'model_not_found' });
  });
});
