/** Which requests get through at all: the Host check, CORS, unknown routes (404) and wrong methods (405). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { rawRequest } from '../support/raw-http.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const ALLOWED_ORIGIN = 'http://localhost:5173';

describe('request routing and guards', () => {
  let server: TestServer;
  let port: number;
  beforeAll(async () => {
    server = await startTestServer({ allowedHosts: ['jan.lan', 'Desk.Example'], corsOrigins: [ALLOWED_ORIGIN, 'app://jan'] });
    port = server.port;
  });
  afterAll(() => server.close());

  const withHost = (host: string, path = '/healthz', headers: Record<string, string> = {}) =>
    rawRequest(server.url, { path, headers: { host, ...headers } });

  describe('Host check (DNS rebinding)', () => {
    it('refuses a foreign Host with 403 host_not_allowed', async () => {
      for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1.evil.example:${port}`, 'jan.lan.evil.example', 'localhostx']) {
        const res = await withHost(host);
        expectError(res, 403, {
          type: 'permission_error', code: 'host_not_allowed', message: /^Host '.+' is not allowed\. Add it to JAN_ALLOWED_HOSTS/,
        });
      }
    });

    it('refuses before authentication and routing, for every path', async () => {
      expect((await withHost('evil.example', '/auth/me', { authorization: `Bearer ${TEST_ADMIN_KEY}` })).status).toBe(403);
      expect((await withHost('evil.example', '/no/such/route')).status).toBe(403);
    });

    it('passes localhost, IP literals and the allowedHosts names (any case, with or without port)', async () => {
      for (const host of [`localhost:${port}`, 'localhost', `127.0.0.1:${port}`, `[::1]:${port}`, '192.168.1.20', 'jan.lan', `JAN.LAN:${port}`, 'desk.example', 'app.localhost']) {
        const res = await withHost(host);
        expect(res.status, host).toBe(200);
        expect(res.json, host).toEqual({ status: 'ok' });
      }
    });

    it('ignores X-Forwarded-Host (the server is not behind a trusted proxy)', async () => {
      expect((await withHost('evil.example', '/healthz', { 'x-forwarded-host': 'localhost' })).status).toBe(403);
      expect((await withHost('localhost', '/healthz', { 'x-forwarded-host': 'evil.example' })).status).toBe(200);
    });
  });

  describe('CORS', () => {
    it('an allowed origin gets Access-Control-Allow-Origin and the exposed headers', async () => {
      const res = await server.request('/healthz', { headers: { origin: ALLOWED_ORIGIN } });
      expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      const exposed = res.headers.get('access-control-expose-headers')!.split(',').map((h) => h.trim());
      expect(exposed).toEqual(expect.arrayContaining(['X-Request-Id', 'X-Auth-Method', 'X-Principal-Id', 'Retry-After']));
      expect(res.headers.get('vary')).toMatch(/origin/i);
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    });

    it('an allowed origin can read error answers too', async () => {
      const res = await server.request('/auth/me', { headers: { origin: 'app://jan' } });
      expect(res.status).toBe(401);
      expect(res.headers.get('access-control-allow-origin')).toBe('app://jan');
    });

    it('any other origin gets no CORS headers', async () => {
      for (const origin of ['http://evil.example', 'http://localhost:5174', 'null', `${ALLOWED_ORIGIN}.evil.example`]) {
        const res = await server.request('/healthz', { headers: { origin } });
        expect(res.status, origin).toBe(200);
        expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      }
    });

    it('answers a preflight from an allowed origin, and not from others', async () => {
      const preflight = (origin: string) =>
        server.request('/v1/conversations', {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
        });
      const allowed = await preflight(ALLOWED_ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
      expect(allowed.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
      expect(allowed.headers.get('access-control-max-age')).toBe('600');

      const other = await preflight('http://evil.example');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(other.headers.get('access-control-allow-methods')).toBeNull();
    });
  });

  describe('unknown routes and methods', () => {
    it('an unknown route is a 404 unknown_route', async () => {
      for (const [method, path] of [['GET', '/nope'], ['POST', '/v1/nothing'], ['GET', '/v1/conversations/a/b/c/d'], ['DELETE', '/v2/health']] as const) {
        const res = await server.request(path, { method, token: TEST_ADMIN_KEY });
        expectError(res, 404, { type: 'not_found_error', code: 'unknown_route', message: `Unknown route: ${method} ${path}` });
      }
    });

    it('a known path with a wrong method is a 405 with Allow', async () => {
      const cases: Array<[string, string, string[]]> = [
        ['DELETE', '/healthz', ['GET', 'HEAD']],
        ['PUT', '/v1/conversations', ['GET', 'HEAD', 'POST']],
        ['PUT', '/v1/conversations/conv_x', ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST']],
        ['POST', '/auth/api-keys/key_x', ['DELETE']],
      ];
      for (const [method, path, allow] of cases) {
        const res = await server.request(path, { method, token: TEST_ADMIN_KEY, body: {} });
        expectError(res, 405, {
          type: 'invalid_request_error', code: 'method_not_allowed', message: new RegExp(`^Method ${method} is not allowed on ${path}; allowed: `),
        });
        const header = res.headers.get('allow');
        expect(header, `${method} ${path}`).not.toBeNull();
        expect(header!.split(',').map((m) => m.trim()).sort(), `${method} ${path}`).toEqual(allow);
      }
    });

    it('an unknown method on a known path is a 405 with Allow too', async () => {
      const res = await rawRequest(server.url, { method: 'PROPFIND', path: '/healthz' });
      expectError(res, 405, { type: 'invalid_request_error', code: 'method_not_allowed' });
      expect(res.headers.allow).toBeDefined();
    });

    it('HEAD works wherever GET does, with no body', async () => {
      const res = await rawRequest(server.url, { method: 'HEAD', path: '/healthz' });
      expect(res.status).toBe(200);
      expect(res.body.length).toBe(0);
    });

    it('sets X-Content-Type-Options: nosniff', async () => {
      expect((await server.request('/healthz')).headers.get('x-content-type-options')).toBe('nosniff');
    });
  });
});
