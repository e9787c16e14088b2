/**
 * Public routes read no credentials (health checks and /metrics do no key or token work): valid
 * credentials sent to them are not echoed back as the principal headers, while the same credentials on a
 * user route are; the dashboard page, which says whether you are logged in, still identifies the caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

describe('public routes', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('answer without authenticating, even when credentials are sent', async () => {
    for (const path of ['/healthz', '/readyz', '/v1/health', '/metrics']) {
      const res = await server.request(path, { token: TEST_ADMIN_KEY });
      expect([path, res.status]).toEqual([path, 200]);
      expect([path, res.headers.get('x-auth-method'), res.headers.get('x-principal-id')]).toEqual([path, null, null]);
    }
    expect((await server.request('/healthz', { token: TEST_ADMIN_KEY })).json).toEqual({ status: 'ok' });
  });

  it('the same credentials on a user route are authenticated and echoed', async () => {
    const res = await server.request('/auth/me', { token: TEST_ADMIN_KEY });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-auth-method')).toBe('apikey');
    expect(res.headers.get('x-principal-id')).toBe(res.json.id);
  });

  it('the dashboard page still knows who is asking', async () => {
    const cookie = `jan_session=${(await server.services.sessions.dashboardSession(server.services.sessions.newLoginLinkToken()))!.token}`;
    const page = await server.request('/', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('x-auth-method')).toBe('session');
  });
});
