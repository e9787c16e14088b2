/**
 * Server-side dashboard sessions: `POST|GET /auth/sessions`, `DELETE /auth/sessions/{id}`,
 * `POST /auth/sessions/revoke-all`, and a session ending with the API key that made it. Logout itself is in
 * dashboard-login.test.ts.
 */
import { SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { openServerDatabase, type ServerDatabase } from '../support/server-database.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const SESSION_ID = /^sess_[0-9a-f]{48}$/;
const unauthorized = { type: 'authentication_error', code: 'invalid_api_key' };
const adminOnly = { type: 'permission_error', code: 'forbidden', message: "Only an admin may manage another user's sessions." };

/** The `jan_session=…` pair of a response's Set-Cookie, or undefined. */
function cookieOf(headers: Headers): string | undefined {
  return headers.getSetCookie().find((c) => c.startsWith('jan_session='))?.split(';')[0];
}

/** Logs the owner in with a fresh one-time link, as the browser does; answers the cookie pair. */
async function ownerLogin(server: TestServer, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${server.url}/?token=${server.services.sessions.newLoginLinkToken()}`, { redirect: 'manual', headers });
  const cookie = cookieOf(res.headers);
  if (res.status !== 302 || !cookie) throw new Error(`login failed: ${res.status}`);
  return cookie;
}

describe('dashboard sessions', () => {
  let server: TestServer;
  let db: ServerDatabase;
  beforeAll(async () => {
    server = await startTestServer();
    db = await openServerDatabase(server);
  });
  afterAll(async () => {
    await db.close();
    await server.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A new guest with an API key of its own. */
  async function guestWithKey() {
    const token = await server.guestToken();
    const key = await server.request('/auth/api-keys', { method: 'POST', token, body: { name: 'dashboard' } });
    const userId = (await server.request('/auth/me', { token })).json.id as string;
    return { token, userId, key: key.json.key as string, keyId: key.json.id as string };
  }

  /** Logs in with an API key, as the dashboard's key login does. */
  async function keyLogin(key: string, headers: Record<string, string> = {}) {
    const res = await server.request('/auth/sessions', { method: 'POST', token: key, headers });
    return { res, cookie: cookieOf(res.headers) };
  }

  const me = (cookie: string) => server.request('/auth/me', { headers: { cookie } });

  it('POST /auth/sessions turns an API key into an HttpOnly session cookie that records the key', async () => {
    const guest = await guestWithKey();
    const { res, cookie } = await keyLogin(guest.key, { 'user-agent': 'test-browser/1.0' });
    expect(res.status).toBe(201);
    const now = Math.floor(Date.now() / 1000);
    expect(res.json).toEqual({
      id: expect.stringMatching(SESSION_ID),
      object: 'session',
      user_id: guest.userId,
      created_at: expect.any(Number),
      expires_at: res.json.created_at + server.config.sessionTtlSeconds,
      last_seen_at: res.json.created_at,
      created_by_api_key_id: guest.keyId,
      user_agent: 'test-browser/1.0',
      ip: expect.stringMatching(/127\.0\.0\.1/),
      current: true,
    });
    expect(Math.abs(res.json.created_at - now)).toBeLessThanOrEqual(5);
    const attributes = res.headers.getSetCookie()[0]!.split(';').slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    expect(attributes.some((a) => a.startsWith('expires='))).toBe(true);

    const who = await me(cookie!);
    expect(who.status).toBe(200);
    expect(who.json).toMatchObject({ id: guest.userId, role: 'guest', auth_method: 'session' });
    const row = await db.get('SELECT user_id, created_by_api_key_id, revoked_at FROM sessions WHERE id = ?', res.json.id);
    expect(row).toEqual({ user_id: guest.userId, created_by_api_key_id: guest.keyId, revoked_at: null });
  });

  it('POST /auth/sessions needs an API key: 401 without credentials, 403 with a token or a session', async () => {
    expectError(await server.request('/auth/sessions', { method: 'POST' }), 401, unauthorized);
    const needsKey = {
      type: 'permission_error', code: 'api_key_required', message: 'A dashboard session is made from an API key; send it as `Authorization: Bearer sk_…`.',
    };
    expectError(await server.request('/auth/sessions', { method: 'POST', token: await server.guestToken() }), 403, needsKey);
    const cookie = await ownerLogin(server);
    expectError(await server.request('/auth/sessions', { method: 'POST', headers: { cookie, origin: server.url } }), 403, needsKey);
  });

  it('the admin key (JAN_API_KEY) logs in too, with no key recorded', async () => {
    const { res, cookie } = await keyLogin(TEST_ADMIN_KEY);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ object: 'session', created_by_api_key_id: null, current: true });
    expect((await me(cookie!)).json).toMatchObject({ role: 'owner', auth_method: 'session' });
  });

  it("GET /auth/sessions lists the caller's active sessions only, marks the current one, never a secret", async () => {
    const guest = await guestWithKey();
    const first = await keyLogin(guest.key);
    const second = await keyLogin(guest.key);
    await keyLogin((await guestWithKey()).key); // another user's session

    const res = await server.request('/auth/sessions', { headers: { cookie: second.cookie! } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      object: 'list',
      items: [{ ...second.res.json, current: true }, { ...first.res.json, current: false }],
      total: 2,
    });
    for (const cookie of [first.cookie!, second.cookie!]) expect(res.text).not.toContain(cookie.slice('jan_session='.length));

    const byKey = await server.request('/auth/sessions', { token: guest.key });
    expect(byKey.json.items.map((s: { current: boolean }) => s.current)).toEqual([false, false]);
    expectError(await server.request('/auth/sessions'), 401, unauthorized);
  });

  it("GET /auth/sessions?user_id=: an admin sees another user's sessions, a non-admin gets 403, an unknown user 404", async () => {
    const guest = await guestWithKey();
    const login = await keyLogin(guest.key);
    const asAdmin = await server.request(`/auth/sessions?user_id=${guest.userId}`, { token: TEST_ADMIN_KEY });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.json).toEqual({ object: 'list', items: [{ ...login.res.json, current: false }], total: 1 });

    const other = await guestWithKey();
    expectError(await server.request(`/auth/sessions?user_id=${guest.userId}`, { token: other.key }), 403, adminOnly);
    const own = await server.request(`/auth/sessions?user_id=${guest.userId}`, { token: guest.key });
    expect(own.json.total).toBe(1);
    const ghost = `user_${'0'.repeat(48)}`;
    expectError(await server.request(`/auth/sessions?user_id=${ghost}`, { token: TEST_ADMIN_KEY }), 404, {
      type: 'not_found_error', code: 'user_not_found', param: 'user_id', message: `No user found with id '${ghost}'.`,
    });
  });

  it('DELETE /auth/sessions/{id} ends that session only; unknown, ended or foreign ids are 404', async () => {
    const guest = await guestWithKey();
    const a = await keyLogin(guest.key);
    const b = await keyLogin(guest.key);
    const res = await server.request(`/auth/sessions/${a.res.json.id}`, { method: 'DELETE', token: guest.key });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await me(a.cookie!), 401, unauthorized);
    expect((await me(b.cookie!)).status).toBe(200);

    const notFound = (id: string) => ({ type: 'not_found_error', code: 'session_not_found', param: 'id', message: `No session found with id '${id}'.` });
    expectError(await server.request(`/auth/sessions/${a.res.json.id}`, { method: 'DELETE', token: guest.key }), 404, notFound(a.res.json.id));
    expectError(await server.request('/auth/sessions/sess_nope', { method: 'DELETE', token: guest.key }), 404, notFound('sess_nope'));
    // Another user's session is not there for a non-admin (as with every other id), and stays alive.
    const other = await guestWithKey();
    expectError(await server.request(`/auth/sessions/${b.res.json.id}`, { method: 'DELETE', token: other.key }), 404, notFound(b.res.json.id));
    expect((await me(b.cookie!)).status).toBe(200);
    expectError(await server.request(`/auth/sessions/${b.res.json.id}`, { method: 'DELETE' }), 401, unauthorized);

    // The admin may end anyone's session.
    expect((await server.request(`/auth/sessions/${b.res.json.id}`, { method: 'DELETE', token: TEST_ADMIN_KEY })).status).toBe(204);
    expectError(await me(b.cookie!), 401, unauthorized);
  });

  it('DELETE /auth/sessions/{id} of the session in use also clears its cookie', async () => {
    const cookie = await ownerLogin(server);
    const [current] = (await server.request('/auth/sessions', { headers: { cookie } })).json.items.filter((s: { current: boolean }) => s.current);
    const res = await server.request(`/auth/sessions/${current.id}`, { method: 'DELETE', headers: { cookie, origin: server.url } });
    expect(res.status).toBe(204);
    expect(cookieOf(res.headers)).toBe('jan_session=');
    expectError(await me(cookie), 401, unauthorized);
  });

  it('POST /auth/sessions/revoke-all ends every session of the caller, on every route (regression)', async () => {
    const cookies = [await ownerLogin(server), await ownerLogin(server), (await keyLogin(TEST_ADMIN_KEY)).cookie!];
    const guest = await guestWithKey();
    const guestSession = await keyLogin(guest.key);
    for (const cookie of cookies) expect((await server.request('/v1/admin/jobs', { headers: { cookie } })).status).toBe(200);

    const res = await server.request('/auth/sessions/revoke-all', { method: 'POST', headers: { cookie: cookies[0]!, origin: server.url }, body: {} });
    expect(res.status).toBe(200);
    const owner = (await server.request('/auth/me', { token: TEST_ADMIN_KEY })).json.id as string;
    // Three here, and any the owner still had from earlier tests.
    expect(res.json).toEqual({ object: 'sessions.revoked', user_id: owner, revoked: expect.any(Number) });
    expect(res.json.revoked).toBeGreaterThanOrEqual(3);
    expect(cookieOf(res.headers)).toBe('jan_session=');
    for (const cookie of cookies) {
      expectError(await me(cookie), 401, unauthorized);
      expectError(await server.request('/v1/admin/jobs', { headers: { cookie } }), 401, unauthorized);
    }
    expect((await server.request('/auth/sessions', { token: TEST_ADMIN_KEY })).json).toEqual({ object: 'list', items: [], total: 0 });
    // Another user's session and the admin's key itself are not sessions of this user.
    expect((await me(guestSession.cookie!)).status).toBe(200);
    expect((await server.request('/auth/me', { token: TEST_ADMIN_KEY })).status).toBe(200);
  });

  it("POST /auth/sessions/revoke-all with user_id: an admin ends another user's sessions, a non-admin gets 403", async () => {
    const guest = await guestWithKey();
    const sessions = [await keyLogin(guest.key), await keyLogin(guest.key)];
    const other = await guestWithKey();
    const denied = await server.request('/auth/sessions/revoke-all', { method: 'POST', token: other.key, body: { user_id: guest.userId } });
    expectError(denied, 403, adminOnly);
    for (const s of sessions) expect((await me(s.cookie!)).status).toBe(200);

    const res = await server.request('/auth/sessions/revoke-all', { method: 'POST', token: TEST_ADMIN_KEY, body: { user_id: guest.userId } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ object: 'sessions.revoked', user_id: guest.userId, revoked: 2 });
    expect(res.headers.getSetCookie()).toEqual([]); // not the caller's own sessions
    for (const s of sessions) expectError(await me(s.cookie!), 401, unauthorized);
  });

  it('POST /auth/sessions/revoke-all: 401 without credentials, 404 for an unknown user, 400 for a bad body', async () => {
    expectError(await server.request('/auth/sessions/revoke-all', { method: 'POST', body: {} }), 401, unauthorized);
    const ghost = `user_${'0'.repeat(48)}`;
    expectError(await server.request('/auth/sessions/revoke-all', { method: 'POST', token: TEST_ADMIN_KEY, body: { user_id: ghost } }), 404, {
      type: 'not_found_error', code: 'user_not_found', param: 'user_id', message: `No user found with id '${ghost}'.`,
    });
    expectError(await server.request('/auth/sessions/revoke-all', { method: 'POST', token: TEST_ADMIN_KEY, body: { user_id: 7 } }), 400, {
      type: 'invalid_request_error', code: 'invalid_type', param: 'user_id',
    });
    // With no body at all it is the caller's own sessions (none here: a key is not a session).
    const own = await server.request('/auth/sessions/revoke-all', { method: 'POST', token: (await guestWithKey()).key });
    expect(own.json).toEqual({ object: 'sessions.revoked', user_id: expect.any(String), revoked: 0 });
  });

  it('revoking the API key that made a session ends that session at once (regression)', async () => {
    const guest = await guestWithKey();
    const made = await keyLogin(guest.key);
    const spare = await server.request('/auth/api-keys', { method: 'POST', token: guest.token, body: { name: 'spare' } });
    const kept = await keyLogin(spare.json.key);
    expect((await me(made.cookie!)).status).toBe(200);

    expect((await server.request(`/auth/api-keys/${guest.keyId}`, { method: 'DELETE', token: guest.token })).status).toBe(204);
    expectError(await me(made.cookie!), 401, unauthorized);
    expect((await me(kept.cookie!)).status).toBe(200);
    const row = await db.get<{ revoked_at: number | null }>('SELECT revoked_at FROM sessions WHERE id = ?', made.res.json.id);
    expect(row!.revoked_at).toEqual(expect.any(Number));
  });

  it('a session cookie without a session id (a stateless one from before) is a 401', async () => {
    const { value } = (await db.get<{ value: string }>("SELECT value FROM settings WHERE key = 'token_secret'"))!;
    const owner = (await server.request('/auth/me', { token: TEST_ADMIN_KEY })).json.id as string;
    const stateless = await new SignJWT({ role: 'admin', kind: 'session' })
      .setProtectedHeader({ alg: 'HS256' }).setSubject(owner).setIssuer('jan-server-desktop').setIssuedAt().setExpirationTime('1h')
      .sign(Buffer.from(value, 'base64'));
    expectError(await me(`jan_session=${stateless}`), 401, unauthorized);
  });

  it('last_seen_at is written at most once a minute, not per request', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const { res, cookie } = await keyLogin((await guestWithKey()).key);
    const lastSeen = async () => (await db.get<{ last_seen_at: number }>('SELECT last_seen_at FROM sessions WHERE id = ?', res.json.id))!.last_seen_at;
    const created = res.json.created_at as number;
    vi.advanceTimersByTime(30_000);
    expect((await me(cookie!)).status).toBe(200);
    expect(await lastSeen()).toBe(created);
    vi.advanceTimersByTime(31_000);
    expect((await me(cookie!)).status).toBe(200);
    expect(await lastSeen()).toBeGreaterThanOrEqual(created + 60);
    const seen = await lastSeen();
    expect((await me(cookie!)).status).toBe(200);
    expect(await lastSeen()).toBe(seen);
  });

  it('an expired session is a 401, and expired rows are deleted at the next login', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const cookie = await ownerLogin(server);
    const count = async () => (await db.get<{ n: number }>('SELECT count(*) AS n FROM sessions WHERE expires_at <= ?', Math.floor(Date.now() / 1000)))!.n;
    vi.advanceTimersByTime((server.config.sessionTtlSeconds + 1) * 1000);
    expectError(await me(cookie), 401, unauthorized);
    expect(await count()).toBeGreaterThan(0);
    await ownerLogin(server);
    expect(await count()).toBe(0);
  });
});

describe('a session made from an expiring key', () => {
  it('ends no later than the key', async () => {
    const server = await startTestServer({ sessionTtlSeconds: 30 * 86_400 });
    try {
      const token = await server.guestToken();
      const key = await server.request('/auth/api-keys', { method: 'POST', token, body: { name: 'short', expires_in_days: 1 } });
      const res = await server.request('/auth/sessions', { method: 'POST', token: key.json.key });
      expect(res.status).toBe(201);
      expect(res.json.expires_at).toBe(key.json.expires_at);
      const maxAge = /max-age=(\d+)|expires=([^;]+)/i.exec(res.headers.getSetCookie()[0]!);
      const cookieExpires = Date.parse(maxAge![2]!) / 1000;
      expect(Math.abs(cookieExpires - key.json.expires_at)).toBeLessThanOrEqual(5);
    } finally {
      await server.close();
    }
  });
});
