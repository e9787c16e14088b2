import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';

describe('server smoke', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answers /healthz without credentials', async () => {
    const res = await server.request('/healthz');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'ok' });
  });

  it('creates and reads back a conversation as a guest', async () => {
    const token = await server.guestToken();
    const created = await server.request('/v1/conversations', { method: 'POST', token, body: { title: 'hello' } });
    expect(created.status).toBe(200);
    const read = await server.request(`/v1/conversations/${created.json.id}`, { token });
    expect(read.json).toEqual(created.json);
  });
});
