/**
 * Backup → restore round trip: online backups while the server runs, rotation to the newest three, each a
 * self-contained sound SQLite file; `npm run restore` refuses while the server runs and refuses a bad
 * file, then restores a backup so that a server started on the folder serves exactly what was backed up.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../server/store/migrate.js';
import { testEngine } from '../support/test-database.js';
import { startTestServer, TEST_ADMIN_KEY, type TestServer } from '../support/test-server.js';

/** The newest schema version (a backup is of a database migrated to it). */
const SCHEMA_VERSION = migrations.at(-1)!.version;

const admin = { token: TEST_ADMIN_KEY };
const script = fileURLToPath(new URL('../../build/scripts/restore.mjs', import.meta.url));

function restore(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env: { ...process.env, JAN_DATA_DIR: '' } }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
    );
  });
}

// The SQLite file's backups; on PostgreSQL the job is skipped (below).
describe.skipIf(testEngine === 'postgres')('backups and restore', () => {
  let server: TestServer;
  let dataDir: string;
  const titles = async (s: TestServer) => (await s.request('/v1/conversations?order=asc', admin)).json.data.map((c: { title: string }) => c.title);
  const backup = async (s: TestServer) => {
    const res = await s.request('/v1/admin/jobs/backup/run', { method: 'POST', ...admin, body: {} });
    expect(res.status).toBe(200);
    return res.json;
  };

  beforeAll(async () => {
    server = await startTestServer({ backupIntervalHours: 0, maintenanceIntervalMinutes: 0 });
    dataDir = server.dataDir;
  });
  afterAll(async () => {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('makes online backups while serving, keeps the newest three, each a sound single file', async () => {
    const made = [];
    for (const title of ['one', 'two', 'three', 'four']) {
      await server.request('/v1/conversations', { method: 'POST', ...admin, body: { title } });
      made.push(await backup(server));
    }
    expect(made[0]).toMatchObject({ object: 'job.run', job: 'backup', status: 'succeeded', error: null });
    expect(made[0].report).toEqual({
      file: expect.stringMatching(/\/backups\/jan-\d{8}T\d{9}Z\.sqlite$/), bytes: expect.any(Number), pages: expect.any(Number),
      schema_version: SCHEMA_VERSION, duration_ms: expect.any(Number), deleted: [], interrupted: false,
    });
    expect(made[3].report.deleted).toEqual([made[0].report.file.split('/').at(-1)]);
    const files = readdirSync(join(dataDir, 'backups')).sort();
    expect(files).toEqual(made.slice(1).map((run) => run.report.file.split('/').at(-1)));
    const listed = (await server.request('/v1/admin/backups', admin)).json;
    expect(listed).toEqual({
      object: 'list', directory: join(dataDir, 'backups'),
      data: [...files].reverse().map((name) => ({ name, bytes: expect.any(Number), created_at: expect.any(Number) })),
    });
    const db = new Database(made[1].report.file, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.prepare('SELECT title FROM conversations ORDER BY seq').pluck().all()).toEqual(['one', 'two']);
    db.close();
  });

  it('restore refuses while the server runs and refuses a file that is not a database', async () => {
    const [newest] = (await server.request('/v1/admin/backups', admin)).json.data;
    const running = await restore(join(dataDir, 'backups', newest.name), '--data-dir', dataDir);
    expect(running.code).toBe(1);
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(running.stderr).toMatch(new RegExp(
      `^restore: ${escape(dataDir)} is in use by Jan Server \\(pid ${process.pid}, started \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC, ` +
        `serving ${escape(server.url)}\\); stop it first \\(Ctrl-C, or quit the app\\), then run this again\\.\\n$`,
    ));
    const junk = join(mkdtempSync(join(tmpdir(), 'jan-junk-')), 'junk.sqlite');
    writeFileSync(junk, 'this is not sqlite');
    const bad = await restore(junk, '--data-dir', dataDir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/is not a readable SQLite database|fails SQLite's integrity check/);
    rmSync(junk, { force: true });
  });

  it('restores a backup: a server started on the folder serves what was backed up, the old file is kept', async () => {
    const files = readdirSync(join(dataDir, 'backups')).sort();
    const chosen = join(dataDir, 'backups', files[0]!); // taken after "two"
    await server.request('/v1/conversations', { method: 'POST', ...admin, body: { title: 'after the backup' } });
    await server.stop();
    expect(existsSync(join(dataDir, 'jan.lock.json'))).toBe(false); // the server's details go with it
    const done = await restore(chosen, '--data-dir', dataDir);
    expect(done).toMatchObject({ code: 0, stderr: '' });
    expect(done.stdout).toMatch(new RegExp(`^Restored ${chosen} \\(schema version ${SCHEMA_VERSION}\\) into ${join(dataDir, 'jan.sqlite')}\\.\\nThe previous database is kept as ${join(dataDir, 'jan.sqlite')}\\.before-restore-\\w+\\.\\n$`));
    const restarted = await startTestServer({ dataDir, backupIntervalHours: 0, maintenanceIntervalMinutes: 0 });
    try {
      expect(await titles(restarted)).toEqual(['one', 'two']);
      expect((await restarted.request('/v1/health')).json.database).toEqual({ status: 'ok', schema_version: SCHEMA_VERSION, journal_mode: 'wal' });
    } finally {
      await restarted.stop();
      rmSync(restarted.dataDir, { recursive: true, force: true }); // the unused temp folder startTestServer made
    }
    const kept = readdirSync(dataDir).filter((name) => name.startsWith('jan.sqlite.before-restore-') && !name.endsWith('-wal') && !name.endsWith('-shm'));
    expect(kept).toHaveLength(1);
    const old = new Database(join(dataDir, kept[0]!), { readonly: true });
    expect(old.prepare('SELECT title FROM conversations ORDER BY seq').pluck().all()).toEqual(['one', 'two', 'three', 'four', 'after the backup']);
    old.close();
  });
});

describe.runIf(testEngine === 'postgres')('backups on PostgreSQL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ backupIntervalHours: 0, maintenanceIntervalMinutes: 0 });
  });
  afterAll(() => server.close());

  it('are not made here: a run is skipped saying where backups come from, and the list and the job say so too', async () => {
    const res = await server.request('/v1/admin/jobs/backup/run', { method: 'POST', ...admin, body: {} });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ object: 'job.run', job: 'backup', status: 'skipped', error: null });
    expect(res.json.report).toMatchObject({ skipped: expect.stringMatching(/pg_dump.*CloudNativePG/s), file: null, bytes: 0, deleted: [], interrupted: false });
    const listed = (await server.request('/v1/admin/backups', admin)).json;
    expect(listed).toMatchObject({ object: 'list', data: [], note: res.json.report.skipped });
    expect(existsSync(join(server.dataDir, 'backups'))).toBe(false);
    const job = (await server.request('/v1/admin/jobs/backup', admin)).json;
    expect(job).toMatchObject({ description: expect.stringMatching(/^Skipped on PostgreSQL/), last_run: { status: 'skipped' } });
  });
});

describe('what interrupted backups left', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-leftovers-'));
  const backups = join(dataDir, 'backups');
  const kept = 'jan-20260101T030000000Z.sqlite';
  const leftovers = ['jan-20260102T030000000Z.sqlite.partial', 'jan-20260102T030000000Z.sqlite.partial-journal',
    'jan-20260103T030000000Z.sqlite.partial-wal', 'jan-20260103T030000000Z.sqlite.partial-shm'];
  const plant = () => {
    mkdirSync(backups, { recursive: true });
    for (const name of leftovers) writeFileSync(join(backups, name), 'x'.repeat(10)); // just written: no age rule saves them
  };
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('are swept at start and by the cleanup job; the backups stay', async () => {
    plant();
    writeFileSync(join(backups, kept), 'a kept backup');
    server = await startTestServer({ dataDir, backupIntervalHours: 0, maintenanceIntervalMinutes: 0 });
    expect(readdirSync(backups)).toEqual([kept]);

    plant();
    const res = await server.request('/v1/admin/jobs/cleanup/run', { method: 'POST', ...admin, body: {} });
    expect(res.status).toBe(200);
    expect(res.json.report).toEqual({ uploads_deleted: 0, temp_files_deleted: 4, orphan_archive_files_deleted: 0, bytes_freed: 40, interrupted: false });
    expect(readdirSync(backups)).toEqual([kept]);
  });
});
