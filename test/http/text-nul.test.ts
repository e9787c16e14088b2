/**
 * Text with a NUL character (U+0000): SQLite stores it and gives it back; PostgreSQL cannot hold it in text, so
 * there it is the request's fault (400 `invalid_text`), nothing is half-written, and the server goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { testEngine } from '../support/test-database.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

describe(`text with a NUL character (${testEngine})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it(testEngine === 'postgres' ? 'is refused with a 400 that says why, and nothing is changed' : 'is stored and read back as sent', async () => {
    // Metadata and items are kept as JSON text, where a NUL is escaped; a title is kept as it is.
    const created = await server.request('/v1/conversations', { method: 'POST', token: TEST_ADMIN_KEY, body: { metadata: { note: 'a\u0000b' } } });
    expect(created.status).toBe(200);
    const path = `/v1/conversations/${created.json.id}`;
    const renamed = await server.request(path, { method: 'PATCH', token: TEST_ADMIN_KEY, body: { title: 'a\u0000b' } });
    const read = await server.request(path, { token: TEST_ADMIN_KEY });
    expect(read.json.metadata).toEqual({ note: 'a\u0000b' });
    if (testEngine === 'postgres') {
      expectError(renamed, 400, { type: 'invalid_request_error', code: 'invalid_text' });
      expect(renamed.json.error.message).toContain('NUL');
      expect(read.json.title).toBeNull();
    } else {
      expect(renamed.status).toBe(200);
      expect(read.json.title).toBe('a\u0000b');
    }
    // The server goes on either way.
    expect((await server.request(path, { method: 'PATCH', token: TEST_ADMIN_KEY, body: { title: 'ab' } })).status).toBe(200);
  });
});
