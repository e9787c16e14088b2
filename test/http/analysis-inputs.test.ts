/**
 * The inputs of the Response API (no model installed, so the lexicon engine answers): exactly one of text,
 * conversation or file; other users' ids are 404s; hostile bodies get clean 4xx envelopes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { uploadFile } from '../support/media-fixtures-http.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

let server: TestServer;
let otherUser: string;
beforeAll(async () => {
  server = await startTestServer();
  otherUser = await server.guestToken();
});
afterAll(() => server.close());

const post = (path: string, body: unknown, token = TEST_ADMIN_KEY) => server.request(`/v1/response/${path}`, { method: 'POST', token, body });
const ENDPOINTS = ['analyze-sentiment', 'generate-summary', 'analyze-content'];

async function conversationWith(texts: Array<[role: string, text: string]>, token = TEST_ADMIN_KEY): Promise<string> {
  const created = await server.request('/v1/conversations', { method: 'POST', token, body: {} });
  const items = texts.map(([role, text]) => ({ type: 'message', role, content: [{ type: 'input_text', text }] }));
  if (items.length > 0) await server.request(`/v1/conversations/${created.json.id}/items`, { method: 'POST', token, body: { items } });
  return created.json.id as string;
}

describe('choosing the input', () => {
  it.each(ENDPOINTS)('%s: none of text, conversation_id, file_id is a 400', async (path) => {
    expectError(await post(path, {}), 400, {
      type: 'invalid_request_error', code: 'missing_input', param: null,
      message: 'Give exactly one of `text`, `conversation_id` or `file_id` (none was given).',
    });
  });

  it.each(ENDPOINTS)('%s: two of them is a 400 naming the second', async (path) => {
    expectError(await post(path, { text: 'Hi there.', file_id: 'jan_x' }), 400, {
      type: 'invalid_request_error', code: 'conflicting_input', param: 'file_id',
      message: 'Give exactly one of `text`, `conversation_id` or `file_id` (got text and file_id).',
    });
  });

  it('empty or blank text is a 400; control characters are dropped, not fatal', async () => {
    for (const text of ['', '   \n\t ', '\u0000\u0001\u0002']) {
      expectError(await post('analyze-sentiment', { text }), 400, { type: 'invalid_request_error', code: 'empty_input', param: 'text' });
    }
    const res = await post('analyze-sentiment', { text: 'Great\u0000 work,\u0007 I love it! \ufffd\ufffd' });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ sentiment: 'positive', input: { characters: 'Great work, I love it!'.length } });
  });

  it('wrong types and values are 400s naming the field', async () => {
    expectError(await post('analyze-sentiment', { text: 42 }), 400, { type: 'invalid_request_error', code: 'invalid_type', param: 'text' });
    expectError(await post('generate-summary', { text: 'x', max_words: 5 }), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'max_words' });
    expectError(await post('generate-summary', { text: 'x', style: 'haiku' }), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'style' });
    expectError(await post('analyze-content', { text: 'x', tasks: ['mood'] }), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'tasks[0]' });
    expectError(await post('analyze-content', { text: 'x', tasks: [] }), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'tasks' });
    expectError(await post('analyze-sentiment', { text: 'x', engine: 'magic' }), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'engine' });
  });
});

describe('hostile bodies', () => {
  it('5 MB of text is refused before it is read (413)', async () => {
    const res = await post('analyze-sentiment', { text: 'word '.repeat(1024 * 1024) });
    expectError(res, 413, { type: 'invalid_request_error', code: expect.any(String) as unknown as string });
  });

  it('binary bytes as a JSON body are a 400', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x7b]);
    const res = await fetch(`${server.url}/v1/response/analyze-content`, {
      method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' }, body: bytes,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('needs credentials', async () => {
    const res = await server.request('/v1/response/analyze-sentiment', { method: 'POST', body: { text: 'Hi' } });
    expectError(res, 401, { type: 'authentication_error', code: 'invalid_api_key' });
  });
});

describe('conversation_id', () => {
  it("reads the conversation's message text (not system prompts)", async () => {
    const id = await conversationWith([['system', 'You hate everything, terrible awful.'], ['user', 'I love this wonderful app!'], ['assistant', 'Glad you like it, great.']]);
    const res = await post('analyze-sentiment', { conversation_id: id });
    expect(res.status).toBe(200);
    const text = 'I love this wonderful app!\n\nGlad you like it, great.';
    expect(res.json).toMatchObject({
      sentiment: 'positive', engine: 'lexicon',
      input: { source: 'conversation', characters: text.length, analyzed_characters: text.length, chunks: 1, truncated: false },
    });
  });

  it('unknown ids and other users’ conversations are 404s', async () => {
    const mine = await conversationWith([['user', 'Hello there.']]);
    for (const [id, token] of [['conv_doesnotexist', TEST_ADMIN_KEY], [mine, otherUser]] as const) {
      const res = await post('analyze-sentiment', { conversation_id: id }, token);
      expectError(res, 404, { type: 'not_found_error', code: 'conversation_not_found', param: expect.anything() as unknown as string });
    }
  });

  it('a conversation with no message text is a 422', async () => {
    const id = await conversationWith([]);
    expectError(await post('analyze-content', { conversation_id: id }), 422, {
      type: 'invalid_request_error', code: 'empty_input', param: 'conversation_id', message: `The conversation '${id}' has no message text to analyse.`,
    });
  });
});

describe('file_id', () => {
  it('reads the extracted text of an uploaded file', async () => {
    const text = 'Der Zug kam pünktlich an und die Reise war sehr angenehm, wir fahren bald wieder mit der Bahn.';
    const upload = await uploadFile(server, TEST_ADMIN_KEY, new TextEncoder().encode(text), 'notes.txt');
    expect(upload.status).toBe(200);
    const res = await post('analyze-content', { file_id: upload.json.id, tasks: ['language', 'keywords'] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ language: 'de', engine: 'lexicon', input: { source: 'file', characters: text.length, truncated: false } });
    expect(res.json.keywords).toEqual(expect.arrayContaining(['zug', 'reise']));
  });

  it('unknown ids and other users’ files are 404s', async () => {
    const upload = await uploadFile(server, TEST_ADMIN_KEY, new TextEncoder().encode('A private note that is mine.'), 'mine.txt');
    for (const [id, token] of [['jan_doesnotexist', TEST_ADMIN_KEY], [upload.json.id as string, otherUser]] as const) {
      const res = await post('analyze-sentiment', { file_id: id }, token);
      expect(res.status).toBe(404);
      expect(res.json.error.type).toBe('not_found_error');
    }
  });
});
