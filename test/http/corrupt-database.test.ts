/**
 * A database SQLite cannot read, met by the CLI (`server/main.ts` in a child process): garbage over the
 * header, or a copy cut short. The server exits 1 with one paragraph (what is wrong, that the file was not
 * touched, the newest backup and the exact restore command), no stack trace, and the file's bytes as they
 * were; the printed command then restores the backup.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRestore, spawnServer } from '../support/server-process.js';
import { startTestServer, TEST_ADMIN_KEY } from '../support/test-server.js';

const admin = { token: TEST_ADMIN_KEY };
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('a database SQLite cannot read', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'jan-corrupt-'));
  const file = join(dataDir, 'jan.sqlite');
  const pristine = join(dataDir, 'pristine.sqlite');
  let backup: string;
  let made: string;

  beforeAll(async () => {
    const server = await startTestServer({ dataDir, backupIntervalHours: 0, maintenanceIntervalMinutes: 0 });
    await server.request('/v1/conversations', { method: 'POST', ...admin, body: { title: 'kept by the backup' } });
    const run = await server.request('/v1/admin/jobs/backup/run', { method: 'POST', ...admin, body: {} });
    backup = run.json.report.file;
    made = new Date((await server.request('/v1/admin/backups', admin)).json.data[0].created_at * 1000).toISOString().slice(0, 19).replace('T', ' ');
    await server.request('/v1/conversations', { method: 'POST', ...admin, body: { title: 'after the backup' } });
    await server.close(); // removes the temp folder startTestServer made, not dataDir
    copyFileSync(file, pristine);
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Runs the CLI on the folder; checks the exit, that nothing but the paragraph was printed and the file is as it was. */
  async function start(): Promise<string> {
    const before = sha256(file);
    const run = spawnServer(dataDir, { JAN_API_KEY: TEST_ADMIN_KEY });
    expect(await Promise.race([run.exited, run.listening.then((url) => `listening at ${url}`)])).toBe(1);
    expect(run.stdout()).toBe('');
    expect(run.stderr()).not.toMatch(/SqliteError|\n\s+at /);
    expect(run.stderr().split('\n')).toHaveLength(2); // one line (the paragraph), then the final newline
    expect(sha256(file)).toBe(before);
    expect([existsSync(`${file}-wal`), existsSync(`${file}-shm`), existsSync(`${file}-journal`)]).toEqual([false, false, false]);
    return run.stderr();
  }

  const restoreAdvice = () =>
    `The newest backup is ${backup} (made ${made} UTC); to go back to it, run: npm run restore -- ${backup} --data-dir ${dataDir} ` +
    '(the restore keeps the damaged file beside the new one as jan.sqlite.before-restore-<time>).\n';

  it('garbage over the header: exit 1, one paragraph naming the newest backup and the restore command', async () => {
    copyFileSync(pristine, file);
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(100, 0x5a), 0, 100, 0);
    closeSync(fd);
    expect(await start()).toBe(
      `jan-server: The database ${file} cannot be opened: SQLite says "file is not a database" (SQLITE_NOTADB), so it is not a ` +
        'SQLite database (its header was overwritten). The server stopped before writing anything, so the file was not touched. ' +
        restoreAdvice(),
    );
  }, 60_000);

  it('a truncated copy: the same, and the printed command restores the backup', async () => {
    copyFileSync(pristine, file);
    truncateSync(file, Math.floor(statSync(file).size / 2));
    const said = await start();
    expect(said).toBe(
      `jan-server: The database ${file} cannot be opened: SQLite says "database disk image is malformed" (SQLITE_CORRUPT), so it is ` +
        'damaged or cut short (a partial copy, a failing disk, or something else writing into it). The server stopped before writing ' +
        `anything, so the file was not touched. ${restoreAdvice()}`,
    );
    const command = /run: npm run restore -- (\S+) --data-dir (\S+) \(/.exec(said)!;
    expect(await runRestore(command[1]!, '--data-dir', command[2]!)).toMatchObject({ code: 0, stderr: '' });
    const server = spawnServer(dataDir, { JAN_API_KEY: TEST_ADMIN_KEY });
    const url = await server.listening;
    const list = await (await fetch(`${url}/v1/conversations`, { headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` } })).json();
    expect((list as { data: { title: string }[] }).data.map((c) => c.title)).toEqual(['kept by the backup']);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 90_000);

  it('no backup: the paragraph says so and what else can be done', async () => {
    renameSync(join(dataDir, 'backups'), join(dataDir, 'elsewhere'));
    copyFileSync(pristine, file);
    truncateSync(file, 4096);
    expect(await start()).toBe(
      `jan-server: The database ${file} cannot be opened: SQLite says "database disk image is malformed" (SQLITE_CORRUPT), so it is ` +
        'damaged or cut short (a partial copy, a failing disk, or something else writing into it). The server stopped before writing ' +
        `anything, so the file was not touched. There is no backup in ${join(dataDir, 'backups')} to go back to: keep a copy of the file, ` +
        `then either move it out of ${dataDir} to start with an empty database, or try to rescue what it holds with the sqlite3 shell's ` +
        '.recover command.\n',
    );
  }, 60_000);
});
