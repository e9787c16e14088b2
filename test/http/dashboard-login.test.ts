/** The dashboard's one-time login link (`server.dashboardUrl`) and the session cookie it turns into. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

interface Login {
  status: number;
  location: string | null;
  setCookie: string[];
  text: string;
}

/** Follows nothing: the redirect and its cookie are what is under test. */
async function openLink(url: string): Promise<Login> {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), setCookie: res.headers.getSetCookie(), text: await res.text() };
}

function sessionCookie(login: Login): string {
  const cookie = login.setCookie.find((c) => c.startsWith('jan_session='));
  if (!cookie) throw new Error(`no jan_session cookie in ${JSON.stringify(login.setCookie)}`);
  return cookie.split(';')[0]!;
}

describe('dashboard login link', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('the link carries a one-time token', () => {
    expect(server.dashboardUrl).toMatch(new RegExp(`^${server.url}/\\?token=[\\w-]{32}$`));
  });

  it('sets an HttpOnly, SameSite=Strict session cookie and redirects to /, once', async () => {
    const token = server.services.sessions.newLoginLinkToken();
    const login = await openLink(`${server.url}/?token=${token}`);
    expect(login.status).toBe(302);
    expect(login.location).toBe('/');
    const cookie = login.setCookie.find((c) => c.startsWith('jan_session='))!;
    const attributes = cookie.split(';').slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    expect(attributes.some((a) => a.startsWith('expires='))).toBe(true);

    const replay = await openLink(`${server.url}/?token=${token}`);
    expect(replay.status).toBe(401);
    expect(replay.setCookie).toEqual([]);
    expect(replay.text).toContain('already used or has expired');
  });

  it('the printed dashboardUrl logs in too', async () => {
    const login = await openLink(server.dashboardUrl);
    expect(login.status).toBe(302);
    expect(sessionCookie(login)).toMatch(/^jan_session=[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('the cookie authenticates API calls as the owner (X-Auth-Method session)', async () => {
    const cookie = sessionCookie(await openLink(`${server.url}/?token=${server.services.sessions.newLoginLinkToken()}`));
    const me = await server.request('/auth/me', { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ object: 'user', name: 'Owner', role: 'owner', auth_method: 'session' });
    expect(me.headers.get('x-auth-method')).toBe('session');
    expect(me.headers.get('x-principal-id')).toBe(me.json.id);

    const page = await server.request('/', { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    // The built React app when renderer/dist exists (its own login state is tested in test/e2e), else the minimal page.
    expect(page.text).toMatch(/You are logged in as the owner\.|<div id="root"><\/div>/);
  });

  it('an unknown token is rejected with the 401 page and no cookie', async () => {
    const login = await openLink(`${server.url}/?token=never-issued`);
    expect(login.status).toBe(401);
    expect(login.setCookie).toEqual([]);
    expect(login.text).toContain('already used or has expired');
  });

  it('a forged or garbled session cookie is a 401', async () => {
    const res = await server.request('/auth/me', { headers: { cookie: 'jan_session=garbage.garbage.garbage' } });
    expectError(res, 401, { type: 'authentication_error', code: 'invalid_api_key' });
  });

  it('POST /dashboard/logout ends the session on the server: the old cookie is a 401 everywhere (regression)', async () => {
    const cookie = sessionCookie(await openLink(`${server.url}/?token=${server.services.sessions.newLoginLinkToken()}`));
    const other = sessionCookie(await openLink(`${server.url}/?token=${server.services.sessions.newLoginLinkToken()}`));
    expect((await server.request('/v1/admin/jobs', { headers: { cookie } })).status).toBe(200);

    // As the dashboard sends it: a cookie-authenticated write names its origin.
    const res = await server.request('/dashboard/logout', { method: 'POST', headers: { cookie, origin: server.url } });
    expect(res.status).toBe(204);
    expect(res.headers.getSetCookie().map((c) => c.split(';')[0])).toEqual(['jan_session=']);
    // A client that kept the cookie anyway (a copy, another tab, a replay) is turned away.
    expectError(await server.request('/auth/me', { headers: { cookie } }), 401, { type: 'authentication_error', code: 'invalid_api_key' });
    expectError(await server.request('/v1/admin/jobs', { headers: { cookie } }), 401, { type: 'authentication_error', code: 'invalid_api_key' });
    // Only that session: the owner's other login goes on.
    expect((await server.request('/auth/me', { headers: { cookie: other } })).status).toBe(200);
  });

  it('POST /dashboard/logout without a session, or with a garbled one, still clears the cookie (204)', async () => {
    for (const cookie of [{}, { cookie: 'jan_session=garbage.garbage.garbage' }] as Record<string, string>[]) {
      const res = await server.request('/dashboard/logout', { method: 'POST', headers: { ...cookie, origin: server.url } });
      expect(res.status).toBe(204);
      expect(res.headers.getSetCookie().map((c) => c.split(';')[0])).toEqual(['jan_session=']);
    }
  });

  it('without a token the page says how to log in', async () => {
    const page = await server.request('/');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/Open the <code>Dashboard:<\/code> link|<div id="root"><\/div>/);
    expect(page.headers.get('cache-control')).toBe('no-store');
  });
});
