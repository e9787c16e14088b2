/**
 * Password login, logout and password change: cookie sessions, one generic 401, lockout backoff with 429 and
 * Retry-After (even for the right password while locked), other sessions ended by a password change, the
 * owner's first password, CSRF and JSON-only bodies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';
import { cookieOf, login, newMember, PASSWORD } from './team-helpers.js';

const wrong = { type: 'authentication_error', code: 'invalid_credentials', message: 'Wrong name or password.' };
const unauthorized = { type: 'authentication_error', code: 'invalid_api_key' };

describe('password login', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('POST /auth/login with the right name (any case) and password sets the session cookie and answers the user', async () => {
    const vera = await newMember(server, 'Vera');
    const res = await login(server, 'vERA', PASSWORD, { 'user-agent': 'team-test/1' });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ user: { id: vera.id, name: 'Vera', role: 'member' } });
    const cookie = cookieOf(res.headers)!;
    const me = await server.request('/auth/me', { headers: { cookie } });
    expect(me.json).toMatchObject({ id: vera.id, role: 'member', auth_method: 'session' });
    const sessions = await server.request('/auth/sessions', { headers: { cookie } });
    expect(sessions.json.items.find((s: { current: boolean }) => s.current)).toMatchObject({ user_agent: 'team-test/1', created_by_api_key_id: null });
  });

  it('a wrong password and an unknown name get the same 401; bad bodies are 400, non-JSON 415', async () => {
    await newMember(server, 'walt');
    expectError(await login(server, 'walt', 'not-the-password'), 401, wrong);
    expectError(await login(server, 'nobody-here', PASSWORD), 401, wrong);
    expectError(await server.request('/auth/login', { method: 'POST', body: { name: 'walt' } }), 400, { type: 'invalid_request_error', code: 'invalid_type', param: 'password' });
    expectError(await server.request('/auth/login', { method: 'POST', body: 'name=walt', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, {
      type: 'invalid_request_error', code: 'unsupported_media_type',
    });
  });

  it('guessing locks the account: after 5 failures 429 with Retry-After, even for the right password; the wait doubles', async () => {
    await newMember(server, 'xena');
    for (let i = 0; i < 5; i++) expectError(await login(server, 'xena', `guess-number-${i}`), 401, wrong);
    const locked = await login(server, 'xena', PASSWORD);
    expectError(locked, 429, { type: 'rate_limit_error', code: 'login_throttled', message: /Too many failed logins.*Try again in 1 s\./ });
    expect(locked.headers.get('retry-after')).toBe('1');
    // Another account is not locked by it.
    expect((await login(server, 'walt', PASSWORD)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expectError(await login(server, 'xena', 'guess-number-5'), 401, wrong);
    const longer = await login(server, 'XENA', PASSWORD);
    expect(longer.status).toBe(429);
    expect(longer.headers.get('retry-after')).toBe('2');
  });

  it('POST /auth/logout ends the cookie\'s session everywhere and clears it', async () => {
    await newMember(server, 'yuri');
    const cookie = cookieOf((await login(server, 'yuri', PASSWORD)).headers)!;
    const out = await server.request('/auth/logout', { method: 'POST', headers: { cookie } });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^jan_session=;/);
    expectError(await server.request('/auth/me', { headers: { cookie } }), 401, unauthorized);
    // Cross-origin, the cookie's logout is refused (CSRF) and the session lives on.
    const other = cookieOf((await login(server, 'yuri', PASSWORD)).headers)!;
    expectError(await server.request('/auth/logout', { method: 'POST', headers: { cookie: other, origin: 'http://evil.example' } }), 403, { type: 'permission_error', code: 'forbidden' });
    expect((await server.request('/auth/me', { headers: { cookie: other } })).status).toBe(200);
  });

  it('POST /auth/password checks the current password and the rule, then ends the other sessions and renews the caller\'s', async () => {
    const zoe = await newMember(server, 'zoe');
    const other = cookieOf((await login(server, 'zoe', PASSWORD)).headers)!;
    const change = (body: unknown) => server.request('/auth/password', { method: 'POST', headers: { cookie: zoe.cookie }, body });
    expectError(await change({ current_password: 'nope-nope-nope', new_password: 'brand-new-pass-1' }), 400, {
      type: 'invalid_request_error', code: 'invalid_current_password', param: 'current_password', message: 'The current password is wrong.',
    });
    expectError(await change({ new_password: 'brand-new-pass-1' }), 400, { type: 'invalid_request_error', code: 'missing_current_password', param: 'current_password' });
    expectError(await change({ current_password: PASSWORD, new_password: 'zoe' }), 400, {
      type: 'invalid_request_error', code: 'weak_password', param: 'new_password', message: /too short.*at least 10 characters/,
    });
    const ok = await change({ current_password: PASSWORD, new_password: 'brand-new-pass-1' });
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ object: 'password.changed', sessions_ended: 1 });
    const renewed = cookieOf(ok.headers)!;
    expect((await server.request('/auth/me', { headers: { cookie: renewed } })).status).toBe(200);
    expectError(await server.request('/auth/me', { headers: { cookie: other } }), 401, unauthorized);
    expectError(await server.request('/auth/me', { headers: { cookie: zoe.cookie } }), 401, unauthorized);
    // API keys are not sessions: they keep working.
    expect((await server.request('/auth/me', { token: zoe.key })).status).toBe(200);
    expectError(await login(server, 'zoe', PASSWORD), 401, wrong);
    expect((await login(server, 'zoe', 'brand-new-pass-1')).status).toBe(200);
  });

  it('the owner sets a first password without a current one, then logs in by name; guests have none', async () => {
    const set = await server.request('/auth/password', { method: 'POST', token: TEST_ADMIN_KEY, body: { new_password: 'owner-strong-pass-1' } });
    expect(set.status).toBe(200);
    expect((await login(server, 'owner', 'owner-strong-pass-1')).json).toMatchObject({ user: { name: 'Owner', role: 'owner' } });
    expectError(await server.request('/auth/password', { method: 'POST', token: TEST_ADMIN_KEY, body: { new_password: 'owner-strong-pass-2' } }), 400, {
      type: 'invalid_request_error', code: 'missing_current_password', param: 'current_password',
    });
    const guest = await server.guestToken();
    expectError(await server.request('/auth/password', { method: 'POST', token: guest, body: { new_password: 'guest-strong-pass-1' } }), 403, {
      type: 'permission_error', code: 'guest_account',
    });
    expectError(await server.request('/auth/password', { method: 'POST', body: { new_password: 'x-strong-pass-1' } }), 401, unauthorized);
  });

  it('login is refused from another origin (login CSRF), but a client without browser headers may log in', async () => {
    await newMember(server, 'abe');
    expectError(await login(server, 'abe', PASSWORD, { origin: 'http://evil.example' }), 403, {
      type: 'permission_error', code: 'forbidden', message: /Cross-origin write refused.*only work from this server's own pages/,
    });
    expectError(await login(server, 'abe', PASSWORD, { 'sec-fetch-site': 'same-site' }), 403, { type: 'permission_error', code: 'forbidden' });
    expect((await login(server, 'abe', PASSWORD, { origin: server.url })).status).toBe(200);
    expect((await login(server, 'abe', PASSWORD)).status).toBe(200);
  });
});
