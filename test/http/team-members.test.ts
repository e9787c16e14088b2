/**
 * Members and roles: the member list, role changes (owner only), the owner's and the last admin's protection,
 * disabling (sessions and keys end at once), deletion with transfer or deletion of data, members kept out of
 * admin routes and out of each other's data, and the audit log of all of it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigWithSources } from '../../server/config/load-config.js';
import { startServer } from '../../server/start-server.js';
import { expectError } from '../support/error-envelope.js';
import { uploadFile } from '../support/media-fixtures-http.js';
import { readResponse, startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';
import { login, newMember, ownerId, PASSWORD } from './team-helpers.js';

const forbidden = { type: 'permission_error', code: 'forbidden', message: 'This endpoint needs an admin credential.' };

describe('team members and roles', () => {
  let server: TestServer;
  let owner: string;
  beforeAll(async () => {
    server = await startTestServer();
    owner = await ownerId(server);
  });
  afterAll(() => server.close());

  const admin = (path: string, init: Parameters<TestServer['request']>[1] = {}) => server.request(path, { token: TEST_ADMIN_KEY, ...init });

  it('GET /v1/admin/members lists the owner and the members (not guests) with role, status and last seen', async () => {
    await server.guestToken();
    const alice = await newMember(server, 'alice');
    const res = await admin('/v1/admin/members');
    expect(res.status).toBe(200);
    expect(res.json.object).toBe('list');
    expect(res.json.data).toEqual([
      { id: owner, name: 'Owner', role: 'owner', status: 'active', created_at: expect.any(Number), last_seen_at: null },
      { id: alice.id, name: 'alice', role: 'member', status: 'active', created_at: expect.any(Number), last_seen_at: expect.any(Number) },
    ]);
  });

  it('a member gets 403 on every admin route: members, invitations, audit, LAN, jobs, model management', async () => {
    const bob = await newMember(server, 'bob');
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/v1/admin/members'], ['PATCH', `/v1/admin/members/${owner}`, { name: 'x' }], ['DELETE', `/v1/admin/members/${owner}?data=delete`],
      ['POST', `/v1/admin/members/${owner}/reset`], ['POST', '/v1/admin/invitations', { role: 'member' }], ['GET', '/v1/admin/invitations'],
      ['GET', '/v1/admin/audit'], ['GET', '/v1/admin/lan'], ['POST', '/v1/admin/lan', { enabled: true }], ['GET', '/v1/admin/jobs'],
      ['POST', '/v1/models/tiny/load'], ['POST', '/v1/models/tiny/unload'], ['DELETE', '/v1/models/tiny'],
      ['POST', '/v1/models/import', { path: '/tmp/x.gguf' }],
    ];
    for (const [method, path, body] of calls) {
      for (const auth of [{ token: bob.key }, { headers: { cookie: bob.cookie } }]) {
        const res = await server.request(path, { method, body, ...auth });
        expectError(res, 403, forbidden);
      }
    }
  });

  it('a member uses /v1 with their own key and sees only their own data (the owner\'s conversation is a 404)', async () => {
    const carol = await newMember(server, 'carol');
    const mine = await admin('/v1/conversations', { method: 'POST', body: { title: 'owner secret' } });
    const hers = await server.request('/v1/conversations', { method: 'POST', token: carol.key, body: { title: 'carol notes' } });
    expect(hers.status).toBe(200);
    const list = await server.request('/v1/conversations', { token: carol.key });
    expect(list.json.data.map((c: { id: string }) => c.id)).toEqual([hers.json.id]);
    expectError(await server.request(`/v1/conversations/${mine.json.id}`, { token: carol.key }), 404, { type: 'not_found_error', code: 'conversation_not_found', param: 'conversation_id' });
    const ownerList = await admin('/v1/conversations');
    expect(ownerList.json.data.map((c: { id: string }) => c.id)).not.toContain(hers.json.id);
  });

  it('only the owner grants or revokes admin; an admin then reaches admin routes but cannot change another admin', async () => {
    const dave = await newMember(server, 'dave');
    const erin = await newMember(server, 'erin');
    const daveAdmin = await admin(`/v1/admin/members/${dave.id}`, { method: 'PATCH', body: { role: 'admin' } });
    expect(daveAdmin.status).toBe(200);
    expect(daveAdmin.json).toMatchObject({ id: dave.id, role: 'admin', status: 'active' });
    expect((await server.request('/v1/admin/members', { token: dave.key })).status).toBe(200);
    // Dave (admin, not owner) may not grant admin, nor demote himself, nor change the owner.
    expectError(await server.request(`/v1/admin/members/${erin.id}`, { method: 'PATCH', token: dave.key, body: { role: 'admin' } }), 403, {
      type: 'permission_error', code: 'owner_only', message: 'Only the owner may grant or revoke the admin role.',
    });
    expectError(await server.request(`/v1/admin/members/${dave.id}`, { method: 'PATCH', token: dave.key, body: { role: 'member' } }), 403, {
      type: 'permission_error', code: 'owner_only', message: 'Only the owner may grant or revoke the admin role.',
    });
    // An admin may manage members: rename erin.
    const renamed = await server.request(`/v1/admin/members/${erin.id}`, { method: 'PATCH', token: dave.key, body: { name: 'erin b' } });
    expect(renamed.json).toMatchObject({ id: erin.id, name: 'erin b', role: 'member' });
    // Erin made admin by the owner: Dave cannot disable her.
    await admin(`/v1/admin/members/${erin.id}`, { method: 'PATCH', body: { role: 'admin' } });
    expectError(await server.request(`/v1/admin/members/${erin.id}`, { method: 'PATCH', token: dave.key, body: { disabled: true } }), 403, {
      type: 'permission_error', code: 'owner_only', message: 'Only the owner may change another admin.',
    });
    // Nor end the owner's or another admin's sessions; a member's he may.
    for (const user of [owner, erin.id]) {
      expectError(await server.request(`/auth/sessions?user_id=${user}`, { token: dave.key }), 403, {
        type: 'permission_error', code: 'owner_only', message: "Only the owner may manage another admin's sessions.",
      });
      expectError(await server.request('/auth/sessions/revoke-all', { method: 'POST', token: dave.key, body: { user_id: user } }), 403, {
        type: 'permission_error', code: 'owner_only',
      });
    }
    const member = await newMember(server, 'dora');
    expect((await server.request('/auth/sessions/revoke-all', { method: 'POST', token: dave.key, body: { user_id: member.id } })).json).toMatchObject({ revoked: 1 });
        // Demoted by the owner, Dave is a member again at his next request.
    await admin(`/v1/admin/members/${dave.id}`, { method: 'PATCH', body: { role: 'member' } });
    expectError(await server.request('/v1/admin/members', { token: dave.key }), 403, forbidden);
  });

  it('the owner cannot be disabled, demoted or deleted (409); nobody disables or deletes themselves (409)', async () => {
    const frank = await newMember(server, 'frank');
    await admin(`/v1/admin/members/${frank.id}`, { method: 'PATCH', body: { role: 'admin' } });
    for (const body of [{ disabled: true }, { role: 'member' }, { role: 'admin' }]) {
      for (const token of [TEST_ADMIN_KEY, frank.key]) {
        expectError(await server.request(`/v1/admin/members/${owner}`, { method: 'PATCH', token, body }), 409, {
          type: 'conflict_error', code: 'owner_protected', message: 'The owner cannot be disabled or demoted: a server always keeps its owner.',
        });
      }
    }
    expectError(await admin(`/v1/admin/members/${owner}?data=delete`, { method: 'DELETE' }), 409, {
      type: 'conflict_error', code: 'owner_protected', message: 'The owner cannot be deleted: a server always keeps its owner.',
    });
    expectError(await server.request(`/v1/admin/members/${frank.id}`, { method: 'PATCH', token: frank.key, body: { disabled: true } }), 409, {
      type: 'conflict_error', code: 'cannot_disable_self', message: 'You cannot disable your own account.',
    });
    expectError(await server.request(`/v1/admin/members/${frank.id}?data=delete`, { method: 'DELETE', token: frank.key }), 409, {
      type: 'conflict_error', code: 'cannot_delete_self', message: 'You cannot delete your own account.',
    });
    const members = await admin('/v1/admin/members');
    expect(members.json.data.find((m: { id: string }) => m.id === owner)).toMatchObject({ role: 'owner', status: 'active' });
  });

  it('disabling ends the member\'s key and session at once (both 401 on the very next request); enabling lets them log in again', async () => {
    const gina = await newMember(server, 'gina');
    expect((await server.request('/v1/conversations', { token: gina.key })).status).toBe(200);
    expect((await server.request('/v1/conversations', { headers: { cookie: gina.cookie } })).status).toBe(200);
    const disabled = await admin(`/v1/admin/members/${gina.id}`, { method: 'PATCH', body: { disabled: true } });
    expect(disabled.json).toMatchObject({ id: gina.id, status: 'disabled' });
    const unauthorized = { type: 'authentication_error', code: 'invalid_api_key' };
    expectError(await server.request('/v1/conversations', { token: gina.key }), 401, unauthorized);
    expectError(await server.request('/v1/conversations', { headers: { cookie: gina.cookie } }), 401, unauthorized);
    expectError(await login(server, 'gina', PASSWORD), 403, { type: 'permission_error', code: 'account_disabled', message: 'This account is disabled. Ask an admin to enable it.' });
    const enabled = await admin(`/v1/admin/members/${gina.id}`, { method: 'PATCH', body: { disabled: false } });
    expect(enabled.json).toMatchObject({ status: 'active' });
    // The keys were revoked, not suspended: they stay dead; a new login works.
    expectError(await server.request('/v1/conversations', { token: gina.key }), 401, unauthorized);
    expect((await login(server, 'gina', PASSWORD)).status).toBe(200);
  });

  it('PATCH validates: empty body, unknown fields, the owner role, a taken name, an unknown member', async () => {
    const hal = await newMember(server, 'hal');
    expectError(await admin(`/v1/admin/members/${hal.id}`, { method: 'PATCH', body: {} }), 400, {
      type: 'invalid_request_error', code: 'invalid_value', message: 'Invalid request body: Send at least one of role, disabled, name.',
    });
    expectError(await admin(`/v1/admin/members/${hal.id}`, { method: 'PATCH', body: { role: 'owner' } }), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'role' });
    expectError(await admin(`/v1/admin/members/${hal.id}`, { method: 'PATCH', body: { password: 'x' } }), 400, { type: 'invalid_request_error', code: 'invalid_value' });
    expectError(await admin(`/v1/admin/members/${hal.id}`, { method: 'PATCH', body: { name: 'ALICE' } }), 409, { type: 'conflict_error', code: 'name_taken' });
    expectError(await admin('/v1/admin/members/user_nope', { method: 'PATCH', body: { name: 'z' } }), 404, {
      type: 'not_found_error', code: 'member_not_found', param: 'id', message: "No member found with id 'user_nope'.",
    });
    expectError(await admin(`/v1/admin/members/${hal.id}`, { method: 'PATCH', body: '{"name":"z"}', headers: { 'content-type': 'text/plain' } }), 415, {
      type: 'invalid_request_error', code: 'unsupported_media_type',
    });
  });

  it('DELETE needs a data choice: missing → 400 naming both; transfer moves conversations, projects and files; delete removes them', async () => {
    const ivy = await newMember(server, 'ivy');
    const jon = await newMember(server, 'jon');
    const project = await server.request('/v1/projects', { method: 'POST', token: ivy.key, body: { name: 'ivy project' } });
    const conv = await server.request('/v1/conversations', { method: 'POST', token: ivy.key, body: { title: 'ivy chat', items: [{ type: 'message', role: 'user', content: 'hello' }] } });
    const jonConv = await server.request('/v1/conversations', { method: 'POST', token: jon.key, body: { title: 'jon chat' } });
    const file = await uploadFile(server, ivy.key, new TextEncoder().encode('ivy notes, plain text'), 'notes.txt');
    expect(file.status, file.text).toBe(200);
    expect((await uploadFile(server, jon.key, new TextEncoder().encode('jon notes, plain text'), 'jon.txt')).status).toBe(200);
    const ownerBefore = (await admin('/v1/conversations')).json.data.length;

    const missing = await admin(`/v1/admin/members/${ivy.id}`, { method: 'DELETE' });
    expectError(missing, 400, { type: 'invalid_request_error', code: 'data_choice_required', param: 'data', message: /`\?data=transfer&to=<user id>`.*`\?data=delete`/ });
    expectError(await admin(`/v1/admin/members/${ivy.id}?data=keep`, { method: 'DELETE' }), 400, { type: 'invalid_request_error', code: 'data_choice_required', param: 'data', message: /Unknown data choice 'keep'/ });
    expectError(await admin(`/v1/admin/members/${ivy.id}?data=transfer`, { method: 'DELETE' }), 400, { type: 'invalid_request_error', code: 'missing_transfer_target', param: 'to' });
    expectError(await admin(`/v1/admin/members/${ivy.id}?data=transfer&to=user_nope`, { method: 'DELETE' }), 404, { type: 'not_found_error', code: 'member_not_found', param: 'to' });
    // Nothing happened: ivy still works.
    expect((await server.request('/v1/conversations', { token: ivy.key })).json.data).toHaveLength(1);

    const moved = await admin(`/v1/admin/members/${ivy.id}?data=transfer&to=${owner}`, { method: 'DELETE' });
    expect(moved.status).toBe(200);
    expect(moved.json).toEqual({
      id: ivy.id, object: 'member.deleted', deleted: true, data: 'transfer', transferred_to: owner,
      counts: { projects: 1, conversations: 1, archived_conversations: 0, media_files: 1, responses: 0 },
    });
    expectError(await server.request('/v1/conversations', { token: ivy.key }), 401, { type: 'authentication_error', code: 'invalid_api_key' });
    const ownerAfter = await admin('/v1/conversations');
    expect(ownerAfter.json.data).toHaveLength(ownerBefore + 1);
    expect((await admin(`/v1/conversations/${conv.json.id}`)).json).toMatchObject({ id: conv.json.id });
    expect((await admin(`/v1/conversations/${conv.json.id}/items`)).json.data).toHaveLength(1);
    expect((await admin(`/v1/projects/${project.json.id}`)).status).toBe(200);
    expect((await admin(`/v1/media/files/${file.json.id}/content`)).text).toBe('ivy notes, plain text');

    const removed = await admin(`/v1/admin/members/${jon.id}?data=delete`, { method: 'DELETE' });
    expect(removed.json).toMatchObject({ data: 'delete', transferred_to: null, counts: { conversations: 1, media_files: 1 } });
    expect((await admin(`/v1/conversations/${jonConv.json.id}`)).status).toBe(404);
    const ids = (await admin('/v1/admin/members')).json.data.map((m: { id: string }) => m.id);
    expect(ids).not.toContain(ivy.id);
    expect(ids).not.toContain(jon.id);
    expectError(await admin(`/v1/admin/members/${jon.id}?data=delete`, { method: 'DELETE' }), 404, { type: 'not_found_error', code: 'member_not_found', param: 'id' });
  });

  it('GET /v1/admin/audit lists every admin action newest first with actor names, and pages with after', async () => {
    await admin('/v1/admin/lan', { method: 'POST', body: { enabled: false } });
    const page = await admin('/v1/admin/audit?limit=200');
    expect(page.status).toBe(200);
    const actions = page.json.data.map((e: { action: string }) => e.action);
    for (const action of ['invitation.create', 'invitation.accept', 'member.role', 'member.rename', 'member.disable', 'member.enable', 'member.delete', 'lan.disable']) {
      expect(actions).toContain(action);
    }
    expect(page.json.data[0]).toEqual({
      id: expect.stringMatching(/^audit_[0-9a-f]{24}$/), actor_id: owner, actor_name: 'Owner', action: 'lan.disable', target: 'lan',
      details: { lan_urls: [] }, created_at: expect.any(Number),
    });
    const disable = page.json.data.find((e: { action: string }) => e.action === 'member.disable');
    expect(disable.details).toEqual({ api_keys_revoked: 1, sessions_ended: 1 });
    expect(JSON.stringify(page.json)).not.toMatch(/sk_|violet-harbour/);
    const first = await admin('/v1/admin/audit?limit=2');
    expect(first.json).toMatchObject({ object: 'list', has_more: true, first_id: page.json.data[0].id, last_id: page.json.data[1].id });
    const second = await admin(`/v1/admin/audit?limit=2&after=${first.json.last_id}`);
    expect(second.json.data.map((e: { id: string }) => e.id)).toEqual(page.json.data.slice(2, 4).map((e: { id: string }) => e.id));
    expectError(await admin('/v1/admin/audit?limit=0'), 400, { type: 'invalid_request_error', code: 'invalid_value', param: 'limit' });
  });
});

describe('audit log of settings', () => {
  it('records saved settings (values as sent, what applied) and restarts, with the actor', async () => {
    // Configured as the CLI is (startTestServer's overrides count as flags, which lock every option).
    const dataDir = await mkdtemp(join(tmpdir(), 'jan-team-audit-'));
    const loaded = loadConfigWithSources({ argv: ['--port', '0', '--log-level', 'silent', '--api-key', TEST_ADMIN_KEY], env: {}, platform: { dataDir, cwd: dataDir } });
    const server = await startServer(loaded, { logger: pino({ level: 'silent' }), requestRestart: () => undefined });
    try {
      const call = async (method: string, path: string, body?: unknown) => readResponse(await fetch(server.url + path, {
        method, headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
      }));
      expect((await call('PATCH', '/v1/admin/settings', { values: { clientRateLimit: 500 } })).status).toBe(200);
      expect((await call('POST', '/v1/admin/settings/restart')).status).toBe(200);
      const owner = (await call('GET', '/auth/me')).json.id;
      const audit = await call('GET', '/v1/admin/audit');
      expect(audit.json.data.map((e: { action: string; actor_id: string; target: string }) => [e.action, e.actor_id, e.target])).toEqual([
        ['settings.restart', owner, 'settings'], ['settings.change', owner, 'settings'],
      ]);
      expect(audit.json.data[1].details).toEqual({ values: { clientRateLimit: 500 }, applied: ['clientRateLimit'], pending_restart: [] });
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
