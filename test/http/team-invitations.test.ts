/**
 * Invitations and reset links: create (code shown once, stored hashed, link on the server's address), list,
 * revoke, the public preview and accept (name, password rule, cookie session), 410 for used, expired and
 * revoked links, 404 for unknown ones, the /invite/<code> page, CSRF and content-type on accept.
 */
import { createHash } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { openServerDatabase, type ServerDatabase } from '../support/server-database.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';
import { accept, cookieOf, invite, login, newMember, ownerId, PASSWORD } from './team-helpers.js';

const INVITATION_ID = /^inv_[0-9a-f]{48}$/;

describe('team invitations', () => {
  let server: TestServer;
  let db: ServerDatabase;
  let owner: string;
  beforeAll(async () => {
    server = await startTestServer();
    db = await openServerDatabase(server);
    owner = await ownerId(server);
  });
  afterAll(async () => {
    await db.close();
    await server.close();
  });

  const admin = (path: string, init: Parameters<TestServer['request']>[1] = {}) => server.request(path, { token: TEST_ADMIN_KEY, ...init });
  const acceptRaw = (code: string, body: unknown, headers: Record<string, string> = {}) =>
    server.request(`/auth/invitations/${code}/accept`, { method: 'POST', body, headers });

  it('POST /v1/admin/invitations answers the code and link once; 7 days by default; only a hash is stored', async () => {
    const res = await admin('/v1/admin/invitations', { method: 'POST', body: { role: 'member', name: 'Nina' } });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({
      id: expect.stringMatching(INVITATION_ID), object: 'invitation', role: 'member', name: 'Nina', user_id: null,
      code: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), url: `${server.url}/invite/${res.json.code}`,
      expires_at: res.json.created_at + 7 * 86_400, created_at: expect.any(Number), created_by: owner, used_at: null,
    });
    // 256 bits of randomness, stored as SHA-256 only.
    expect(Buffer.from(res.json.code, 'base64url')).toHaveLength(32);
    const row = (await db.get('SELECT * FROM invitations WHERE id = ?', res.json.id))!;
    expect(Object.values(row).map(String)).not.toContain(res.json.code);
    expect(row.code_hash).toEqual(createHash('sha256').update(res.json.code).digest());

    const list = await admin('/v1/admin/invitations');
    expect(list.json.object).toBe('list');
    const listed = list.json.data.find((i: { id: string }) => i.id === res.json.id);
    const { code: _code, url: _url, ...withoutSecret } = res.json;
    expect(listed).toEqual(withoutSecret);
    expect(list.text).not.toContain(res.json.code);
  });

  it('validates the create body: role, expiry (60 s … 30 days), unknown fields; inviting an admin is the owner\'s', async () => {
    for (const body of [{}, { role: 'owner' }, { role: 'member', expires_in_seconds: 59 }, { role: 'member', expires_in_seconds: 30 * 86_400 + 1 }, { role: 'member', code: 'x' }]) {
      const res = await admin('/v1/admin/invitations', { method: 'POST', body });
      expect({ status: res.status, type: res.json.error.type, message: res.json.error.message }).toEqual({
        status: 400, type: 'invalid_request_error', message: expect.stringMatching(/^Invalid /),
      });
    }
    const long = await admin('/v1/admin/invitations', { method: 'POST', body: { role: 'admin', expires_in_seconds: 30 * 86_400 } });
    expect(long.json.expires_at - long.json.created_at).toBe(30 * 86_400);
    const admin2 = await newMember(server, 'oscar', 'admin');
    expectError(await server.request('/v1/admin/invitations', { method: 'POST', token: admin2.key, body: { role: 'admin' } }), 403, {
      type: 'permission_error', code: 'owner_only', message: 'Only the owner may invite an admin (granting the admin role).',
    });
    expect((await server.request('/v1/admin/invitations', { method: 'POST', token: admin2.key, body: { role: 'member' } })).status).toBe(201);
  });

  it('GET /auth/invitations/{code} previews the link without credentials; unknown codes are 404', async () => {
    const inv = await invite(server, { role: 'member', name: 'Paula' });
    const res = await server.request(`/auth/invitations/${inv.code}`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ purpose: 'join', role: 'member', name: 'Paula', expires_at: expect.any(Number), server_name: expect.any(String) });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expectError(await server.request('/auth/invitations/not-a-real-code'), 404, {
      type: 'not_found_error', code: 'invitation_not_found', message: 'This invitation link is not valid. Check that it was copied whole, or ask an admin for a new one.',
    });
  });

  it('accepting creates the member with the invited role, starts a cookie session and uses the link up (410 after)', async () => {
    const inv = await invite(server, { role: 'member', name: 'Quinn' });
    const res = await acceptRaw(inv.code, { password: PASSWORD }, { origin: server.url });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ user: { id: expect.stringMatching(/^user_/), name: 'Quinn', role: 'member' } });
    const cookie = cookieOf(res.headers)!;
    const attributes = res.headers.getSetCookie()[0]!.split(';').slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=strict', 'path=/']));
    const me = await server.request('/auth/me', { headers: { cookie } });
    expect(me.json).toMatchObject({ id: res.json.user.id, name: 'Quinn', role: 'member', auth_method: 'session' });

    const used = { type: 'invalid_request_error', code: 'invitation_used', message: /already been used/ };
    expectError(await server.request(`/auth/invitations/${inv.code}`), 410, used);
    expectError(await acceptRaw(inv.code, { name: 'Quinn2', password: PASSWORD }), 410, used);
    expect((await admin('/v1/admin/invitations')).json.data.map((i: { id: string }) => i.id)).not.toContain(inv.id);
  });

  it('refuses weak passwords with 400 and the rule, a missing or taken name, and leaves the link usable', async () => {
    const inv = await invite(server, { role: 'member' });
    const rule = /at least 10 characters.*commonly used.*same as the name/;
    expectError(await acceptRaw(inv.code, { name: 'rachel', password: 'short' }), 400, { type: 'invalid_request_error', code: 'weak_password', param: 'password', message: rule });
    expectError(await acceptRaw(inv.code, { name: 'rachel', password: 'password123' }), 400, { type: 'invalid_request_error', code: 'weak_password', param: 'password', message: rule });
    expectError(await acceptRaw(inv.code, { name: 'rachel green', password: 'Rachel Green' }), 400, { type: 'invalid_request_error', code: 'weak_password', param: 'password', message: rule });
    expectError(await acceptRaw(inv.code, { password: PASSWORD }), 400, { type: 'invalid_request_error', code: 'missing_name', param: 'name' });
    expectError(await acceptRaw(inv.code, { name: 'OWNER', password: PASSWORD }), 409, { type: 'conflict_error', code: 'name_taken' });
    expectError(await acceptRaw(inv.code, { name: 'x', password: 7 }), 400, { type: 'invalid_request_error', code: 'invalid_type', param: 'password' });
    expect((await server.request(`/auth/invitations/${inv.code}`)).status).toBe(200);
    expect((await acceptRaw(inv.code, { name: 'rachel', password: PASSWORD })).status).toBe(201);
  });

  it('an expired link and a revoked link answer 410 with the reason; revoking twice is a 404', async () => {
    const expired = await invite(server, { role: 'member', expires_in_seconds: 60 });
    await db.run('UPDATE invitations SET expires_at = created_at - 1 WHERE id = ?', expired.id);
    const gone = { type: 'invalid_request_error', code: 'invitation_expired', message: /expired on \d{4}-\d\d-\d\dT.*Ask an admin for a new link\./ };
    expectError(await server.request(`/auth/invitations/${expired.code}`), 410, gone);
    expectError(await acceptRaw(expired.code, { name: 'sam', password: PASSWORD }), 410, gone);

    const revoked = await invite(server, { role: 'member' });
    const del = await admin(`/v1/admin/invitations/${revoked.id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    const why = { type: 'invalid_request_error', code: 'invitation_revoked', message: /revoked by an admin/ };
    expectError(await server.request(`/auth/invitations/${revoked.code}`), 410, why);
    expectError(await acceptRaw(revoked.code, { name: 'sam', password: PASSWORD }), 410, why);
    expectError(await admin(`/v1/admin/invitations/${revoked.id}`, { method: 'DELETE' }), 404, { type: 'not_found_error', code: 'invitation_not_found', param: 'id', message: /No pending invitation found/ });
  });

  it('a reset link sets the member\'s password, ends their sessions at once, keeps their account and data', async () => {
    const tina = await newMember(server, 'tina');
    const conv = await server.request('/v1/conversations', { method: 'POST', token: tina.key, body: { title: 'keep me' } });
    const reset = await admin(`/v1/admin/members/${tina.id}/reset`, { method: 'POST' });
    expect(reset.status).toBe(201);
    expect(reset.json).toMatchObject({ object: 'invitation', role: 'member', name: 'tina', user_id: tina.id, url: `${server.url}/invite/${reset.json.code}` });
    expect(reset.json.expires_at - reset.json.created_at).toBe(86_400);
    expectError(await server.request('/auth/me', { headers: { cookie: tina.cookie } }), 401, { type: 'authentication_error', code: 'invalid_api_key' });
    expect((await server.request(`/auth/invitations/${reset.json.code}`)).json).toMatchObject({ purpose: 'reset', role: 'member', name: 'tina' });

    const fresh = 'new-violet-harbour-48';
    const { user, cookie } = await accept(server, reset.json.code, 'tina', fresh);
    expect(user.id).toBe(tina.id);
    expect((await server.request(`/v1/conversations/${conv.json.id}`, { headers: { cookie } })).status).toBe(200);
    expect((await login(server, 'tina', fresh)).status).toBe(200);
    expectError(await login(server, 'tina', PASSWORD), 401, { type: 'authentication_error', code: 'invalid_credentials' });
    // A second reset replaces the first; the owner has none.
    const r1 = await admin(`/v1/admin/members/${tina.id}/reset`, { method: 'POST' });
    await admin(`/v1/admin/members/${tina.id}/reset`, { method: 'POST' });
    expectError(await server.request(`/auth/invitations/${r1.json.code}`), 410, { type: 'invalid_request_error', code: 'invitation_revoked' });
    expectError(await admin(`/v1/admin/members/${owner}/reset`, { method: 'POST' }), 409, { type: 'conflict_error', code: 'owner_protected' });
    const audit = await admin('/v1/admin/audit?limit=5');
    expect(audit.json.data[0]).toMatchObject({ action: 'member.reset', target: tina.id, actor_name: 'Owner' });
  });

  it('while LAN access is on, links name the LAN address (the address other machines use); the switch is audited', async () => {
    const lanAddress = Object.values(networkInterfaces()).flatMap((list) => list ?? []).find((a) => a.family === 'IPv4' && !a.internal)?.address;
    const on = await admin('/v1/admin/lan', { method: 'POST', body: { enabled: true } });
    try {
      expect(on.json.enabled).toBe(true);
      const inv = await invite(server);
      // A machine without a LAN interface has no LAN URL; the link then names the local one.
      const origin = lanAddress ? `http://${lanAddress}:${server.port}` : server.url;
      expect(inv.url).toBe(`${origin}/invite/${inv.code}`);
      expect(on.json.lan_urls[0] ?? server.url).toBe(origin);
    } finally {
      await admin('/v1/admin/lan', { method: 'POST', body: { enabled: false } });
    }
    const off = await invite(server);
    expect(off.url).toBe(`${server.url}/invite/${off.code}`);
    const actions = (await admin('/v1/admin/audit?limit=5')).json.data.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 4)).toEqual(['invitation.create', 'lan.disable', 'invitation.create', 'lan.enable']);
  });

  it('GET /invite/{code} serves the dashboard page itself (the SPA shows the form), never cached, no referrer', async () => {
    const inv = await invite(server);
    const page = await fetch(`${server.url}/invite/${inv.code}`);
    const root = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toBe(await root.text());
  });

  it('accept is refused from another origin (login CSRF) and takes only JSON', async () => {
    const inv = await invite(server);
    expectError(await acceptRaw(inv.code, { name: 'uma', password: PASSWORD }, { origin: 'http://evil.example' }), 403, {
      type: 'permission_error', code: 'forbidden', message: /Cross-origin write refused: Origin 'http:\/\/evil.example'.*only work from this server's own pages/,
    });
    expectError(await acceptRaw(inv.code, { name: 'uma', password: PASSWORD }, { 'sec-fetch-site': 'cross-site' }), 403, { type: 'permission_error', code: 'forbidden' });
    const form = await server.request(`/auth/invitations/${inv.code}/accept`, {
      method: 'POST', body: 'name=uma&password=violet-harbour-47', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
    });
    expectError(form, 415, { type: 'invalid_request_error', code: 'unsupported_media_type' });
    expect((await server.request(`/auth/invitations/${inv.code}`)).status).toBe(200);
  });
});
