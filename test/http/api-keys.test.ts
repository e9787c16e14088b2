/** `POST|GET /auth/api-keys`, `DELETE /auth/api-keys/{id}`: keys shown once, hashed at rest, revocable, expiring. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { openServerDatabase, type ServerDatabase } from '../support/server-database.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

const KEY_ID = /^key_[0-9a-f]{48}$/;
const unauthorized = { type: 'authentication_error', code: 'invalid_api_key' };

describe('API keys', () => {
  let server: TestServer;
  let token: string;
  /** A second connection to the server's database, as an attacker who copied it would have. */
  let db: ServerDatabase;

  beforeAll(async () => {
    server = await startTestServer();
    token = await server.guestToken();
    db = await openServerDatabase(server);
  });
  afterAll(async () => {
    await db.close();
    await server.close();
  });

  const createKey = (body: unknown, auth = token) => server.request('/auth/api-keys', { method: 'POST', token: auth, body });

  it('POST creates a key and shows the secret in that response only', async () => {
    const res = await createKey({ name: 'laptop' });
    expect(res.status).toBe(201);
    const now = Math.floor(Date.now() / 1000);
    expect(res.json).toEqual({
      id: expect.stringMatching(KEY_ID),
      object: 'api_key',
      name: 'laptop',
      key: expect.stringMatching(/^sk_[\w-]{43}$/),
      prefix: res.json.key.slice(0, 8),
      suffix: res.json.key.slice(-4),
      created_at: expect.any(Number),
      expires_at: null,
      last_used_at: null,
    });
    expect(Math.abs(res.json.created_at - now)).toBeLessThanOrEqual(5);

    const list = await server.request('/auth/api-keys', { token });
    expect(list.status).toBe(200);
    const { key: _secret, ...info } = res.json;
    expect(list.json).toEqual({ object: 'list', items: [info], total: 1 });
    expect(list.text).not.toContain(res.json.key);
    expect(list.text).not.toMatch(/"key"|"hash"/);
  });

  it('stores only the SHA-256 of the key, never the key', async () => {
    const { json: created } = await createKey({ name: 'at rest' });
    const row = (await db.get('SELECT * FROM api_keys WHERE id = ?', created.id))!;
    expect(row.hash).toEqual(createHash('sha256').update(created.key, 'utf8').digest());
    const secretPart = (created.key as string).slice(8, -4); // what prefix and suffix do not already show
    // Every column of every key's row, blobs as raw bytes and as hex.
    for (const each of await db.all('SELECT * FROM api_keys')) {
      for (const [column, value] of Object.entries(each)) {
        const text = Buffer.isBuffer(value) ? value.toString('latin1') + value.toString('hex') : String(value);
        expect(text, column).not.toContain(secretPart);
      }
    }
  });

  it('the key works as Bearer and as X-API-Key (X-Auth-Method apikey) and records its last use', async () => {
    const { json: created } = await createKey({ name: 'both ways' });
    const me = await server.request('/auth/me', { token });
    const ways: Array<Record<string, string>> = [{ authorization: `Bearer ${created.key}` }, { 'x-api-key': created.key }];
    for (const headers of ways) {
      const res = await server.request('/auth/me', { headers });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ ...me.json, auth_method: 'apikey' });
      expect(res.headers.get('x-auth-method')).toBe('apikey');
      expect(res.headers.get('x-principal-id')).toBe(me.json.id);
    }
    const listed = (await server.request('/auth/api-keys', { token })).json.items.find((k: { id: string }) => k.id === created.id);
    expect(listed.last_used_at).toBeGreaterThanOrEqual(created.created_at);
  });

  it('an unknown or malformed key is a 401', async () => {
    const { json: created } = await createKey({ name: 'to mangle' });
    const mangled = `${created.key.slice(0, -1)}${created.key.endsWith('A') ? 'B' : 'A'}`;
    for (const key of [mangled, 'sk_', 'sk_x', `${created.key} `.repeat(2).trim(), 'not-even-a-key']) {
      expectError(await server.request('/auth/me', { headers: { 'x-api-key': key } }), 401, unauthorized);
    }
    expectError(await server.request('/auth/me', { token: mangled }), 401, unauthorized);
  });

  it('DELETE revokes a key: 204 with no body, then the key is a 401 and gone from the list', async () => {
    const { json: created } = await createKey({ name: 'short-lived' });
    expect((await server.request('/auth/me', { token: created.key })).status).toBe(200);
    const res = await server.request(`/auth/api-keys/${created.id}`, { method: 'DELETE', token });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await server.request('/auth/me', { token: created.key }), 401, unauthorized);
    const list = await server.request('/auth/api-keys', { token });
    expect(list.json.items.map((k: { id: string }) => k.id)).not.toContain(created.id);
    const again = await server.request(`/auth/api-keys/${created.id}`, { method: 'DELETE', token });
    expectError(again, 404, { type: 'not_found_error', code: 'api_key_not_found', param: 'id', message: `No api_key found with id '${created.id}'.` });
  });

  it('a key revoked while in use stops working at once (no cache)', async () => {
    const { json: created } = await createKey({ name: 'revoked behind the server' });
    expect((await server.request('/auth/me', { token: created.key })).status).toBe(200);
    await db.run('DELETE FROM api_keys WHERE id = ?', created.id);
    expectError(await server.request('/auth/me', { token: created.key }), 401, unauthorized);
  });

  it('expires_in_days sets expires_at, and an expired key is a 401', async () => {
    const res = await createKey({ name: 'expiring', expires_in_days: 2 });
    expect(res.status).toBe(201);
    expect(res.json.expires_at).toBe(res.json.created_at + 2 * 86_400);
    expect((await server.request('/auth/me', { token: res.json.key })).status).toBe(200);
    // Move the expiry into the past through the store rather than waiting two days.
    await db.run('UPDATE api_keys SET expires_at = ? WHERE id = ?', Math.floor(Date.now() / 1000) - 1, res.json.id);
    expectError(await server.request('/auth/me', { token: res.json.key }), 401, unauthorized);
  });

  it('validates the create body', async () => {
    const invalid = { type: 'invalid_request_error' };
    expectError(await createKey({}), 400, { ...invalid, code: 'invalid_type', param: 'name' });
    expectError(await createKey({ name: ' ' }), 400, { ...invalid, code: 'invalid_value', param: 'name' });
    expectError(await createKey({ name: 'x', expires_in_days: 0 }), 400, { ...invalid, code: 'invalid_value', param: 'expires_in_days' });
    expectError(await createKey({ name: 'x', expires_in_days: 1.5 }), 400, { ...invalid, code: 'invalid_type', param: 'expires_in_days' });
    expectError(await createKey({ name: 'x'.repeat(121) }), 400, { ...invalid, code: 'invalid_value', param: 'name' });
  });

  it('each user sees and revokes only their own keys', async () => {
    const other = await server.guestToken();
    const { json: mine } = await createKey({ name: 'mine' });
    expect((await server.request('/auth/api-keys', { token: other })).json).toEqual({ object: 'list', items: [], total: 0 });
    const steal = await server.request(`/auth/api-keys/${mine.id}`, { method: 'DELETE', token: other });
    expectError(steal, 404, { type: 'not_found_error', code: 'api_key_not_found', param: 'id' });
    expect((await server.request('/auth/me', { token: mine.key })).status).toBe(200);
  });

  it('a key made by a key works, and the admin key can make keys for the owner', async () => {
    const { json: first } = await createKey({ name: 'first' });
    const second = await createKey({ name: 'second' }, first.key);
    expect(second.status).toBe(201);
    expect((await server.request('/auth/me', { token: second.json.key })).json.role).toBe('guest');

    const owner = await createKey({ name: 'owner key' }, TEST_ADMIN_KEY);
    expect(owner.status).toBe(201);
    const me = await server.request('/auth/me', { token: owner.json.key });
    expect(me.json).toMatchObject({ role: 'owner', name: 'Owner', auth_method: 'apikey' });
  });

  it('every key route needs credentials', async () => {
    expectError(await server.request('/auth/api-keys'), 401, unauthorized);
    expectError(await server.request('/auth/api-keys', { method: 'POST', body: { name: 'x' } }), 401, unauthorized);
    expectError(await server.request(`/auth/api-keys/key_${'0'.repeat(48)}`, { method: 'DELETE' }), 401, unauthorized);
  });
});
