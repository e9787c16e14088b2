/**
 * Over-wide JSON is refused before anything walks it: a body of a few MB with 150,000 `metadata` keys once
 * took seconds of validation (and stalled every other request meanwhile); now the scan that finds the first
 * JSON value counts members per object and array and stops at the cap. The largest legitimate arrays (10,000
 * chat messages or response input items) are under it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_ELEMENTS, MAX_JSON_KEYS } from '../../server/http/json-body.js';
import { expectError } from '../support/error-envelope.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const tooWide = { type: 'invalid_request_error', code: 'json_too_wide', param: null };

describe('over-wide JSON bodies', () => {
  let server: TestServer;
  const post = (path: string, body: unknown) => server.request(path, { method: 'POST', token: TEST_ADMIN_KEY, body });

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it(`a conversation with 150,000 metadata keys is a 400 naming the cap of ${MAX_JSON_KEYS} keys per object`, async () => {
    const metadata: Record<string, string> = {};
    for (let i = 0; i < 150_000; i++) metadata[`key${String(i).padStart(6, '0')}`] = 'val';
    const res = await post('/v1/conversations', { title: 'wide', metadata });
    expectError(res, 400, { ...tooWide, message: `An object in the request body has more than ${MAX_JSON_KEYS} keys.` });
    expect((await server.request('/v1/conversations', { token: TEST_ADMIN_KEY })).json.data).toEqual([]);
    expect((await server.request('/healthz')).status).toBe(200);
  });

  it(`an array of more than ${MAX_JSON_ELEMENTS} elements is a 400 naming the cap`, async () => {
    const res = await post('/v1/embeddings', { model: 'm', input: Array.from({ length: MAX_JSON_ELEMENTS + 1 }, () => 'x') });
    expectError(res, 400, { ...tooWide, message: `An array in the request body has more than ${MAX_JSON_ELEMENTS} elements.` });
  });

  it('the largest legitimate bodies pass the caps and reach validation (10,000 messages; 16 metadata keys)', async () => {
    const messages = Array.from({ length: 10_000 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` }));
    const chat = await post('/v1/chat/completions', { model: 'no-such-model', messages });
    expect(chat.status).toBe(404); // past the caps and the schema: no model of that name
    const metadata = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v']));
    expect((await post('/v1/conversations', { title: 'fine', metadata })).status).toBe(200);
    const seventeen = await post('/v1/conversations', { metadata: { ...metadata, k16: 'v' } });
    expectError(seventeen, 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'metadata', message: /at most 16 keys/ });
  });
});
