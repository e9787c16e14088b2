/**
 * Guest login, access tokens (JWT), /auth/me, guest upgrade, JAN_AUTH=off and the 401 envelope. API keys
 * are in api-keys.test.ts, the dashboard's one-time link in dashboard-login.test.ts.
 */
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConfiguredStore } from '../../server/store/store.js';
import { expectError } from '../support/error-envelope.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const USER_ID = /^user_[0-9a-f]{48}$/;
const unauthorized = { type: 'authentication_error', code: 'invalid_api_key' };

/** The server's token secret, read from its settings table (on whichever engine the server runs). */
async function tokenSecret(server: TestServer): Promise<string> {
  const store = await openConfiguredStore({ databaseUrl: server.config.databaseUrl, file: join(server.dataDir, 'jan.sqlite') });
  try {
    const secret = await store.settings.get('token_secret');
    if (secret === undefined) throw new Error('the server has no token secret');
    return secret;
  } finally {
    await store.close();
  }
}

/** Signs a token with the server's own secret, to forge expiry and claims. */
async function forgeToken(server: TestServer, claims: { sub: string; kind: string; iss?: string; expiresAt: number }) {
  const value = await tokenSecret(server);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'guest', kind: claims.kind })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer(claims.iss ?? 'jan-server-desktop')
    .setIssuedAt(now - 7200)
    .setExpirationTime(claims.expiresAt)
    .sign(Buffer.from(value, 'base64'));
}

describe('auth with tokens', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('POST /auth/guest-login answers 201 with a bearer token for a new guest', async () => {
    const res = await server.request('/auth/guest-login', { method: 'POST' });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      access_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 3600,
      user_id: expect.stringMatching(USER_ID),
      principal_id: res.json.user_id,
      username: 'Guest',
    });
    const other = await server.request('/auth/guest-login', { method: 'POST', body: {} });
    expect(other.json.user_id).not.toBe(res.json.user_id);
  });

  it('a guest token authenticates as that guest (X-Auth-Method jwt)', async () => {
    const login = await server.request('/auth/guest-login', { method: 'POST' });
    const res = await server.request('/auth/me', { token: login.json.access_token });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      id: login.json.user_id, object: 'user', name: 'Guest', role: 'guest', auth_method: 'jwt', created_at: expect.any(Number),
    });
    expect(res.headers.get('x-auth-method')).toBe('jwt');
    expect(res.headers.get('x-principal-id')).toBe(login.json.user_id);
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('no credentials is a 401 envelope', async () => {
    const res = await server.request('/auth/me');
    expectError(res, 401, { ...unauthorized, message: /Missing or invalid credentials/ });
    expect(res.headers.get('x-auth-method')).toBeNull();
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('a tampered JWT is a 401', async () => {
    const token = await server.guestToken();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    expectError(await server.request('/auth/me', { token: `${header}.${forgedPayload}.${signature}` }), 401, unauthorized);
    const flipped = signature.slice(0, -2) + (signature.endsWith('AA') ? 'BB' : 'AA');
    expectError(await server.request('/auth/me', { token: `${header}.${payload}.${flipped}` }), 401, unauthorized);
  });

  it('an unsigned (alg none) token is a 401', async () => {
    const token = await server.guestToken();
    const [, payload] = token.split('.') as [string, string];
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expectError(await server.request('/auth/me', { token: `${none}.${payload}.` }), 401, unauthorized);
  });

  it('an expired, foreign-issuer or wrong-kind token is a 401, while a fresh one with the same secret passes', async () => {
    const guest = (await server.request('/auth/guest-login', { method: 'POST' })).json.user_id as string;
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const valid = await forgeToken(server, { sub: guest, kind: 'access', expiresAt: inAnHour });
    expect((await server.request('/auth/me', { token: valid })).status).toBe(200);

    const expired = await forgeToken(server, { sub: guest, kind: 'access', expiresAt: Math.floor(Date.now() / 1000) - 60 });
    expectError(await server.request('/auth/me', { token: expired }), 401, unauthorized);
    const foreign = await forgeToken(server, { sub: guest, kind: 'access', iss: 'someone-else', expiresAt: inAnHour });
    expectError(await server.request('/auth/me', { token: foreign }), 401, unauthorized);
    // A dashboard session token is not an access token, and the other way round.
    const session = await forgeToken(server, { sub: guest, kind: 'session', expiresAt: inAnHour });
    expectError(await server.request('/auth/me', { token: session }), 401, unauthorized);
    expectError(await server.request('/auth/me', { headers: { cookie: `jan_session=${valid}` } }), 401, unauthorized);
  });

  it('a token of a user that does not exist is a 401', async () => {
    const ghost = await forgeToken(server, { sub: `user_${'0'.repeat(48)}`, kind: 'access', expiresAt: Math.floor(Date.now() / 1000) + 60 });
    expectError(await server.request('/auth/me', { token: ghost }), 401, unauthorized);
  });

  it('other Authorization schemes are not credentials', async () => {
    const basic = Buffer.from(`user:${TEST_ADMIN_KEY}`).toString('base64');
    expectError(await server.request('/auth/me', { headers: { authorization: `Basic ${basic}` } }), 401, unauthorized);
    expectError(await server.request('/auth/me', { headers: { authorization: 'Bearer' } }), 401, unauthorized);
  });

  it('POST /auth/upgrade turns a guest into a named user who keeps their data', async () => {
    const token = await server.guestToken();
    const conversation = await server.request('/v1/conversations', { method: 'POST', token, body: { title: 'mine' } });
    const me = await server.request('/auth/me', { token });
    const res = await server.request('/auth/upgrade', { method: 'POST', token, body: { username: '  alice  ', email: 'a@example.com' } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ status: 'upgraded', user_id: me.json.id, username: 'alice' });
    const after = await server.request('/auth/me', { token });
    expect(after.json).toEqual({ ...me.json, name: 'alice', role: 'member' });
    expect((await server.request(`/v1/conversations/${conversation.json.id}`, { token })).json).toEqual(conversation.json);

    const again = await server.request('/auth/upgrade', { method: 'POST', token, body: { username: 'bob' } });
    expectError(again, 400, { type: 'invalid_request_error', code: 'not_a_guest', message: 'Only a guest account can be upgraded.' });
  });

  it('POST /auth/upgrade validates its body and needs credentials', async () => {
    const token = await server.guestToken();
    const empty = await server.request('/auth/upgrade', { method: 'POST', token, body: { username: '   ' } });
    expectError(empty, 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'username' });
    const missing = await server.request('/auth/upgrade', { method: 'POST', token, body: {} });
    expectError(missing, 400, { type: 'invalid_request_error', code: 'invalid_type', param: 'username' });
    expectError(await server.request('/auth/upgrade', { method: 'POST', body: { username: 'x' } }), 401, unauthorized);
  });

  it('the admin key (JAN_API_KEY) authenticates as the admin owner, as Bearer and as X-API-Key', async () => {
    const bearer = await server.request('/auth/me', { token: TEST_ADMIN_KEY });
    expect(bearer.status).toBe(200);
    expect(bearer.json).toEqual({
      id: expect.stringMatching(USER_ID), object: 'user', name: 'Owner', role: 'owner', auth_method: 'apikey', created_at: expect.any(Number),
    });
    expect(bearer.headers.get('x-auth-method')).toBe('apikey');
    const header = await server.request('/auth/me', { headers: { 'x-api-key': TEST_ADMIN_KEY } });
    expect(header.json).toEqual(bearer.json);
    expect(header.headers.get('x-principal-id')).toBe(bearer.json.id);
  });
});

describe('guest login switched off', () => {
  const disabled = { type: 'permission_error', code: 'guest_login_disabled' };

  it('guestLogin: off answers 403', async () => {
    const server = await startTestServer({ guestLogin: 'off' });
    try {
      expectError(await server.request('/auth/guest-login', { method: 'POST' }), 403, { ...disabled, message: /switched off/ });
    } finally {
      await server.close();
    }
  });

  it('is off by default when the server listens beyond loopback, unless switched on', async () => {
    const lan = await startTestServer({ host: '0.0.0.0' });
    const lanOn = await startTestServer({ host: '0.0.0.0', guestLogin: 'on' });
    try {
      expectError(await lan.request('/auth/guest-login', { method: 'POST' }), 403, disabled);
      expect((await lanOn.request('/auth/guest-login', { method: 'POST' })).status).toBe(201);
    } finally {
      await Promise.all([lan.close(), lanOn.close()]);
    }
  });
});

describe('JAN_AUTH=off', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ auth: false });
  });
  afterAll(() => server.close());

  it('treats a request without credentials as the owner (X-Auth-Method none)', async () => {
    const res = await server.request('/auth/me');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ object: 'user', name: 'Owner', role: 'owner', auth_method: 'none' });
    expect(res.headers.get('x-auth-method')).toBe('none');
    expect(res.headers.get('x-principal-id')).toBe(res.json.id);
    const created = await server.request('/v1/projects', { method: 'POST', body: { name: 'p' } });
    expect(created.status).toBe(201);
  });

  it('ignores credentials, even invalid ones', async () => {
    const res = await server.request('/auth/me', { token: 'sk_not-a-real-key' });
    expect(res.status).toBe(200);
    expect(res.json.auth_method).toBe('none');
  });
});
