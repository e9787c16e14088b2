/** capabilities(): what the dashboard offers depends on the operations the server lists and on the caller's role. */
import { describe, expect, it } from 'vitest';
import { fakeFetch } from '../test/fixtures.js';
import { createApi } from './index.js';

const doc = {
  paths: {
    '/v1/models/{id}/load': { post: { 'x-jan-access': 'admin' } },
    '/v1/conversations': { get: { 'x-jan-access': 'user' } },
  },
};

describe('capabilities', () => {
  const api = () => createApi({ fetch: fakeFetch({ 'GET /v1/openapi.json': () => doc }) });

  it('gives an admin every listed operation and nothing unlisted', async () => {
    const caps = await api().capabilities(true);
    expect(caps.has('POST', '/v1/models/{id}/load')).toBe(true);
    expect(caps.has('GET', '/v1/conversations')).toBe(true);
    expect(caps.has('DELETE', '/v1/conversations')).toBe(false);
  });

  it('hides admin-only operations from a member', async () => {
    const caps = await api().capabilities(false);
    expect(caps.has('POST', '/v1/models/{id}/load')).toBe(false);
    expect(caps.has('GET', '/v1/conversations')).toBe(true);
  });
});
