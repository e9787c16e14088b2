/**
 * Data lifecycle over HTTP: archive → access → restore round trip (the same conversation and items come
 * back), compaction of archive files, delete of an archived conversation, a job interrupted midway losing
 * nothing, the cleanup and optimize jobs, and the admin job endpoints.
 */
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError } from '../support/error-envelope.js';
import { testEngine } from '../support/test-database.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';
import { withTestSql } from '../support/server-database.js';

const admin = { token: TEST_ADMIN_KEY };
const DAY = 86_400;

describe('data lifecycle', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maintenanceIntervalMinutes: 0, backupIntervalHours: 0 });
  });
  afterAll(() => server.close());

  /** Makes conversations look untouched for `days` (a second connection to the same database). */
  const age = (ids: string[], days: number) =>
    withTestSql(server, async (sql) => {
      for (const id of ids) await sql.run('UPDATE conversations SET updated_at = updated_at - ?, created_at = created_at - ? WHERE id = ?', days * DAY, days * DAY, id);
    });
  const hotIds = async () => new Set(await withTestSql(server, (sql) => sql.column<string>('SELECT id FROM conversations')));
  const runJob = async (name: string, body: Record<string, unknown> = {}) => {
    const res = await server.request(`/v1/admin/jobs/${name}/run`, { method: 'POST', ...admin, body });
    expect(res.status).toBe(200);
    return res.json;
  };
  const archiveFiles = () => readdirSync(join(server.dataDir, 'archive')).sort();
  const archivedLines = (file: string) =>
    gunzipSync(readFileSync(join(server.dataDir, 'archive', file))).toString('utf8').trim().split('\n').map((line) => JSON.parse(line));
  const create = async (title: string, items: number, body: Record<string, unknown> = {}) =>
    (await server.request('/v1/conversations', {
      method: 'POST', ...admin,
      body: { title, items: Array.from({ length: items }, (_, i) => ({ type: 'message', role: i % 2 ? 'assistant' : 'user', content: `${title} ${i}` })), ...body },
    })).json;

  it('archives what is untouched, restores it on access exactly as it was, compacts and deletes', async () => {
    const project = (await server.request('/v1/projects', { method: 'POST', ...admin, body: { name: 'p' } })).json;
    const a = await create('old A', 3, { metadata: { topic: 'x' }, project_id: project.id });
    const b = await create('old B', 2);
    const c = await create('fresh C', 1);
    await age([a.id, b.id], 100);
    const before = {
      a: (await server.request(`/v1/conversations/${a.id}`, admin)).json,
      aItems: (await server.request(`/v1/conversations/${a.id}/items?order=asc`, admin)).json,
    };

    const run = await runJob('archive');
    expect(run).toMatchObject({ object: 'job.run', job: 'archive', trigger: 'request', status: 'succeeded', error: null });
    expect(run.report).toMatchObject({ archived: 2, items: 5, files_compacted: 0, files_deleted: 0, interrupted: false });
    expect(await hotIds()).toEqual(new Set([c.id]));
    const [file] = archiveFiles();
    expect(file).toMatch(/^conversations-.*\.jsonl\.gz$/);
    expect(archivedLines(file!).map((line) => [line.type, line.id ?? line.item.id])).toEqual([
      ['conversation', a.id], ...before.aItems.data.map((item: { id: string }) => ['item', item.id]), ['conversation', b.id], ['item', expect.any(String)], ['item', expect.any(String)],
    ]);
    expect((await server.request('/v1/conversations', admin)).json.data.map((x: { id: string }) => x.id)).toEqual([c.id]);

    // Access restores it: the same conversation, the same items in the same order.
    expect((await server.request(`/v1/conversations/${a.id}`, admin)).json).toEqual(before.a);
    expect((await server.request(`/v1/conversations/${a.id}/items?order=asc`, admin)).json).toEqual(before.aItems);
    expect(await hotIds()).toEqual(new Set([a.id, c.id]));
    expect((await server.request('/v1/conversations', admin)).json.data.map((x: { id: string }) => x.id).sort()).toEqual([a.id, c.id].sort());

    // A restored conversation is not sent straight back; its old copy is compacted out of the file.
    const again = await runJob('archive');
    expect(again.report).toMatchObject({ archived: 0, files_compacted: 1, files_deleted: 0 });
    const [compacted] = archiveFiles();
    expect(archivedLines(compacted!).filter((line) => line.type === 'conversation').map((line) => line.id)).toEqual([b.id]);

    // Deleting an archived conversation deletes it; its file goes with the next run.
    const deleted = await server.request(`/v1/conversations/${b.id}`, { method: 'DELETE', ...admin });
    expect(deleted.json).toEqual({ id: b.id, object: 'conversation.deleted', deleted: true });
    expectError(await server.request(`/v1/conversations/${b.id}`, admin), 404, { type: 'not_found_error', code: 'conversation_not_found', param: 'conversation_id' });
    expect((await runJob('archive')).report).toMatchObject({ archived: 0, files_deleted: 1 });
    expect(archiveFiles()).toEqual([]);
  });

  it('restores on a write too, and an archived conversation stays invisible to other users', async () => {
    const d = await create('old D', 1);
    await age([d.id], 365);
    expect((await runJob('archive')).report).toMatchObject({ archived: 1 });
    const guest = await server.guestToken();
    expect((await server.request(`/v1/conversations/${d.id}`, { token: guest })).status).toBe(404);
    const added = await server.request(`/v1/conversations/${d.id}/items`, { method: 'POST', ...admin, body: { items: [{ type: 'message', role: 'user', content: 'back' }] } });
    expect(added.status).toBe(200);
    expect((await server.request(`/v1/conversations/${d.id}/items`, admin)).json.data).toHaveLength(2);
  });

  it('an archive run stopped midway loses nothing: every conversation is in the tables or the archive', async () => {
    const ids = (await Promise.all(Array.from({ length: 120 }, (_, i) => create(`bulk ${i}`, 1)))).map((x) => x.id);
    await age(ids, 200);
    const { done } = server.services.jobs.trigger('archive');
    await new Promise((resolve) => setImmediate(resolve)); // let it start its first batch
    const jobs = server.services.jobs;
    const stopping = jobs.close();
    const run = await done;
    await stopping;
    expect(run.status).toBe('interrupted');
    expect(run.report!.archived).toBeGreaterThan(0);
    expect(run.report!.archived).toBeLessThan(120);
    const hot = await hotIds();
    const archived = new Set(await withTestSql(server, (sql) => sql.column<string>('SELECT id FROM archived_conversations')));
    expect(ids.filter((id) => hot.has(id) === archived.has(id))).toEqual([]); // in exactly one place each
    for (const id of ids.slice(0, 5)) expect((await server.request(`/v1/conversations/${id}/items`, admin)).json.data).toHaveLength(1);
  });
});

describe('cleanup, optimize and the job endpoints', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ maintenanceIntervalMinutes: 0, backupIntervalHours: 0, archiveAfterDays: 0 });
  });
  afterAll(() => server.close());

  const stale = (path: string, ageMs: number) => {
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, 'x'.repeat(10));
    const when = (Date.now() - ageMs) / 1000;
    utimesSync(path, when, when);
  };

  it('cleanup deletes stale temp files and orphaned archive files, and keeps fresh ones', async () => {
    const dir = server.dataDir;
    stale(join(dir, 'media', 'tmp', 'old-upload'), 25 * 3600_000);
    stale(join(dir, 'media', 'tmp', 'new-upload'), 60_000);
    stale(join(dir, 'archive', 'conversations-orphan.jsonl.gz'), 2 * 3600_000);
    stale(join(dir, 'archive', 'conversations-x.jsonl.gz.tmp'), 2 * 3600_000);
    stale(join(dir, 'backups', 'jan-20260101T000000000Z.sqlite.partial'), 2 * 3600_000);
    const res = await server.request('/v1/admin/jobs/cleanup/run', { method: 'POST', ...admin, body: {} });
    expect(res.status).toBe(200);
    expect(res.json.report).toEqual({ uploads_deleted: 0, temp_files_deleted: 3, orphan_archive_files_deleted: 1, bytes_freed: 40, interrupted: false });
    expect(readdirSync(join(dir, 'media', 'tmp'))).toEqual(['new-upload']);
    expect(readdirSync(join(dir, 'archive'))).toEqual([]);
    expect(readdirSync(join(dir, 'backups'))).toEqual([]);
  });

  it.runIf(testEngine === 'postgres')('optimize is skipped on PostgreSQL, saying why', async () => {
    const res = await server.request('/v1/admin/jobs/optimize/run', { method: 'POST', ...admin, body: {} });
    expect(res.json).toMatchObject({ status: 'skipped', error: null, report: { skipped: expect.stringMatching(/PostgreSQL.*autovacuum/), vacuum: 'none' } });
    const job = (await server.request('/v1/admin/jobs/optimize', admin)).json;
    expect(job.description).toMatch(/^Skipped on PostgreSQL/);
  });

  it.skipIf(testEngine === 'postgres')('optimize gives freed pages back to the file system', async () => {
    const big = 'y'.repeat(4000);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      const res = await server.request('/v1/conversations', { method: 'POST', ...admin, body: { items: [{ type: 'message', role: 'user', content: big }] } });
      ids.push(res.json.id);
    }
    for (const id of ids) await server.request(`/v1/conversations/${id}`, { method: 'DELETE', ...admin });
    const res = await server.request('/v1/admin/jobs/optimize/run', { method: 'POST', ...admin, body: {} });
    expect(res.json.status).toBe('succeeded');
    expect(res.json.report).toMatchObject({ vacuum: 'incremental', checkpointed: true, interrupted: false });
    expect(res.json.report.free_pages_before).toBeGreaterThan(0);
    expect(res.json.report.pages_after).toBeLessThan(res.json.report.pages_before);
    expect(res.json.report.bytes_freed).toBeGreaterThan(100_000);
  });

  it('lists the jobs with their schedules and last runs', async () => {
    const res = await server.request('/v1/admin/jobs', admin);
    expect(res.status).toBe(200);
    expect(res.json.object).toBe('list');
    expect(res.json.data.map((job: { name: string }) => job.name)).toEqual(['archive', 'cleanup', 'optimize', 'backup']);
    const cleanup = (await server.request('/v1/admin/jobs/cleanup', admin)).json;
    expect(cleanup).toEqual({
      object: 'job', name: 'cleanup', description: expect.any(String), interval_seconds: null, next_run_at: null, current_run: null,
      last_run: {
        object: 'job.run', id: expect.stringMatching(/^run_[0-9a-f]{16}$/), job: 'cleanup', trigger: 'request', status: 'succeeded',
        queued_at: expect.any(Number), started_at: expect.any(Number), finished_at: expect.any(Number), report: expect.any(Object), error: null,
      },
    });
  });

  it('refuses what it cannot do: unknown jobs, bad options, archive with archiving off, non-admins', async () => {
    expectError(await server.request('/v1/admin/jobs/defrag', admin), 404, { type: 'not_found_error', code: 'job_not_found', param: 'name' });
    expectError(await server.request('/v1/admin/jobs/optimize/run', { method: 'POST', ...admin, body: { fast: true } }), 400, {
      type: 'invalid_request_error', code: 'invalid_value', param: null,
    });
    const off = await server.request('/v1/admin/jobs/archive/run', { method: 'POST', ...admin, body: {} });
    expect(off.json).toMatchObject({ status: 'failed', error: 'Archiving is off (JAN_ARCHIVE_AFTER_DAYS=0); give older_than_days to run it once.' });
    const guest = await server.guestToken();
    expectError(await server.request('/v1/admin/jobs', { token: guest }), 403, { type: 'permission_error', code: 'forbidden' });
    expectError(await server.request('/v1/admin/jobs/cleanup/run', { method: 'POST', token: guest, body: {} }), 403, { type: 'permission_error', code: 'forbidden' });
  });
});
