/**
 * The conversation list's `total` (kept by triggers since migration 006, not counted per request) stays
 * exact — equal to the number of conversations the list pages through, for all of a user's conversations
 * and per project — across create, delete, archive, restore on access, import, and between users.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';
import { withTestSql } from '../support/server-database.js';

const DAY = 86_400;

describe('conversation list total', () => {
  let server: TestServer;
  let guest: string;
  beforeAll(async () => {
    server = await startTestServer({ maintenanceIntervalMinutes: 0, backupIntervalHours: 0 });
    guest = await server.guestToken();
  });
  afterAll(() => server.close());

  const create = async (token: string, body: Record<string, unknown> = {}) =>
    (await server.request('/v1/conversations', { method: 'POST', token, body })).json.id as string;
  const remove = async (id: string) =>
    expect((await server.request(`/v1/conversations/${id}`, { method: 'DELETE', token: TEST_ADMIN_KEY })).status).toBe(200);

  /** The list's total for a scope, after checking that it is the number of conversations the list holds. */
  async function total(token: string, projectId?: string): Promise<number> {
    const filter = projectId ? `&project_id=${projectId}` : '';
    const full = await server.request(`/v1/conversations?limit=100${filter}`, { token });
    const page = await server.request(`/v1/conversations?limit=1${filter}`, { token });
    expect(full.status).toBe(200);
    expect(full.json).toMatchObject({ object: 'list', has_more: false, total: full.json.data.length });
    expect(page.json.total).toBe(full.json.data.length);
    return full.json.total;
  }

  const importAs = async (token: string, body: string) =>
    (await server.request('/v1/import', { method: 'POST', token, body, headers: { 'content-type': 'application/x-ndjson' } })).json;

  /** Makes conversations look untouched for a year (a second connection to the same database, either engine). */
  const age = (ids: string[]) =>
    withTestSql(server, async (sql) => {
      for (const id of ids) await sql.run('UPDATE conversations SET updated_at = updated_at - ?, created_at = created_at - ? WHERE id = ?', 365 * DAY, 365 * DAY, id);
    });

  it('counts creates and deletes, per user and per project', async () => {
    const project = (await server.request('/v1/projects', { method: 'POST', token: TEST_ADMIN_KEY, body: { name: 'p' } })).json.id as string;
    const inProject = [await create(TEST_ADMIN_KEY, { project_id: project }), await create(TEST_ADMIN_KEY, { project_id: project })];
    const loose = [await create(TEST_ADMIN_KEY), await create(TEST_ADMIN_KEY, { items: [{ type: 'message', role: 'user', content: 'hi' }] })];
    await create(guest);
    expect([await total(TEST_ADMIN_KEY), await total(TEST_ADMIN_KEY, project), await total(guest)]).toEqual([4, 2, 1]);
    expect(await total(guest, project)).toBe(0);
    expect(await total(TEST_ADMIN_KEY, 'proj_none')).toBe(0);

    await remove(inProject[0]!);
    await remove(loose[0]!);
    expect([await total(TEST_ADMIN_KEY), await total(TEST_ADMIN_KEY, project), await total(guest)]).toEqual([2, 1, 1]);
    // A failed create (unknown project) and a failed delete change nothing.
    expect((await server.request('/v1/conversations', { method: 'POST', token: TEST_ADMIN_KEY, body: { project_id: 'proj_none' } })).status).toBe(404);
    expect((await server.request(`/v1/conversations/${inProject[0]}`, { method: 'DELETE', token: TEST_ADMIN_KEY })).status).toBe(404);
    expect([await total(TEST_ADMIN_KEY), await total(TEST_ADMIN_KEY, project)]).toEqual([2, 1]);
  });

  it('leaves archived conversations out, counts them again when restored, and counts imports', async () => {
    const project = (await server.request('/v1/projects', { method: 'POST', token: TEST_ADMIN_KEY, body: { name: 'old' } })).json.id as string;
    const before = [await total(TEST_ADMIN_KEY), await total(TEST_ADMIN_KEY, project)];
    const old = [await create(TEST_ADMIN_KEY, { project_id: project }), await create(TEST_ADMIN_KEY, { project_id: project }), await create(TEST_ADMIN_KEY)];
    await age(old);
    const run = await server.request('/v1/admin/jobs/archive/run', { method: 'POST', token: TEST_ADMIN_KEY, body: {} });
    expect(run.json.report).toMatchObject({ archived: 3 });
    expect([await total(TEST_ADMIN_KEY), await total(TEST_ADMIN_KEY, project)]).toEqual(before);

    expect((await server.request(`/v1/conversations/${old[0]}`, { token: TEST_ADMIN_KEY })).status).toBe(200); // restored on access
    await remove(old[2]!); // deleted while archived
    expect([await total(TEST_ADMIN_KEY), await total(TEST_ADMIN_KEY, project)]).toEqual([before[0]! + 1, 1]);

    // The admin's export holds the hot and the archived conversations; the guest gets copies of them all.
    const exported = await (await fetch(`${server.url}/v1/export`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).text();
    const conversations = exported.split('\n').filter((line) => line.includes('"type":"conversation"')).length;
    const guestBefore = await total(guest);
    const imported = await importAs(guest, exported);
    expect(imported.conversations).toMatchObject({ created: conversations, skipped: 0 });
    expect(await total(guest)).toBe(guestBefore + conversations);
    const guestProjects = (await server.request('/v1/projects', { token: guest })).json.data as { id: string; name: string }[];
    const copied = guestProjects.find((p) => p.name === 'old')!.id;
    expect(await total(guest, copied)).toBe(2); // the restored one and the one still archived
    // Importing the same file again into the admin's own account skips everything.
    const again = await importAs(TEST_ADMIN_KEY, exported);
    expect(again.conversations).toMatchObject({ created: 0 });
    expect([await total(TEST_ADMIN_KEY), await total(TEST_ADMIN_KEY, project)]).toEqual([before[0]! + 1, 1]);
  });
});
